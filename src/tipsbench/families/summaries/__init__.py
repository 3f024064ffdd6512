"""Model summaries: torchsummary vs torchinfo, and where the old one miscounts."""

"""nn.Module containers: why a plain Python list hides layers from the module."""

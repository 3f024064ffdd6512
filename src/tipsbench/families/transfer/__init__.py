"""CPU ↔ GPU transfers: pageable vs pinned, blocking vs not, and the APIs that copy."""

TIP = "transfer"

"""Memory size: what sys.getsizeof, nbytes and element sizes really report."""

"""Street-scale generator and benchmark (see README.md)."""

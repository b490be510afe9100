"""juesuan."""

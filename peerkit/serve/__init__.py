"""Serving the course with Voilà: its configuration, pre-heated kernels, the server process."""

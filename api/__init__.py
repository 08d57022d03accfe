"""The entry layer: HTTP (FastAPI), the command line and the web page, wired by ``bootstrap``."""

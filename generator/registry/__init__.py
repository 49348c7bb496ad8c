"""Registry: read, validate and index the YAML files (load → models/checks → index); vocabulary at the bottom."""

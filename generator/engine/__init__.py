"""Engine: the build pipeline and the MkDocs adapter (hook, CSP, audit)."""

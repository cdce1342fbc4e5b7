"""Publication: the manifest, atomic writes of a package directory, audit of a published package."""

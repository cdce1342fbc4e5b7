"""Review store revisions, oldest first by `down_revision`."""

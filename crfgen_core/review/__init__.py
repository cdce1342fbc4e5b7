"""Review: a clinical reviewer's corrections as data, keyed by stable identities, re-applied each build."""

"""NCI EVS CDISC Controlled Terminology: readers, lookup index, versioned store, refresh."""

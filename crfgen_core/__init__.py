"""crfgen_core: the protocol-to-CRF domain. Pure Python; never imports dagster."""

__version__ = "0.1.0"

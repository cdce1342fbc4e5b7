"""CDISC standards knowledge: COSMoS biomedical concepts and CDASH CRF specializations."""

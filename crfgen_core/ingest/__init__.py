"""Protocol ingestion: PDF and DOCX to ParsedProtocol."""

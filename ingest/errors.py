"""Errors raised while reading and ingesting documents; each names the file (or record) and what is wrong."""

from ontology.errors import PolicykgError


class IngestError(PolicykgError):
    """Exception raised when a file or record cannot be ingested."""


class UnsupportedFormatError(IngestError):
    """Exception raised when a file is neither text, Markdown, HTML, JSONL, DOCX nor PDF (e.g. binary data)."""


class FileTooLargeError(IngestError):
    """Exception raised when a file is above the configured size limit (it is not read)."""


class DecodingError(IngestError):
    """Exception raised when a text file's encoding cannot be determined."""


class EmptyDocumentError(IngestError):
    """Exception raised when a file holds no text (empty file, HTML without text, PDF without a text layer)."""


class CorruptFileError(IngestError):
    """Exception raised when a DOCX, PDF or JSONL file is damaged (truncated, invalid structure)."""

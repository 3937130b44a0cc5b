"""callflow: follow a call script live, end with the ticket and invoice."""

__version__ = "0.1.0"

"""clawpolicy: a policy language and interpreter for executive-compensation clawback policies."""

__version__ = "0.1.0"

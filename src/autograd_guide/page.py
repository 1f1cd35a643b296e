"""Prepare a page's kernel so that its outputs are short, readable and the same on every build."""

from __future__ import annotations

import warnings

import torch

from autograd_guide.graph import set_language


def _warning_without_path(message, category, filename, lineno, line=None) -> str:
    # The default format starts with the kernel's temporary file name, which changes every run.
    return f"{category.__name__}: {message}\n"


def setup_page(lang: str) -> None:
    """Legend language for graph figures, a fixed seed, path-free warnings, one-line tracebacks.

    >>> setup_page("en")
    >>> torch.initial_seed()
    0
    """
    set_language(lang)
    torch.manual_seed(0)
    warnings.formatwarning = _warning_without_path
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        # Only "ErrorType: message": a full traceback would print this machine's file paths.
        shell.run_line_magic("xmode", "Minimal")

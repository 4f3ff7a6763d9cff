"""Imported once in the batch's fork server: what every worker would otherwise build after its fork.

Each local worker (:mod:`.worker`) is forked from the fork server, so whatever the server has
imported or built is already there in every worker, paid once instead of once per worker. Besides
the modules in :data:`.worker.PRELOAD` a worker used to spend about 0.3 CPU-s of its own before its
first report on three things, built here instead:

* the kernel spec lookup (``jupyter_client``'s ``KernelSpecManager``) imports IPython and
  ``ipykernel.kernelspec``;
* the first kernel connection asks ``psutil`` for the machine's network addresses (``localhost``
  check), a list that is the same for every process of the batch;
* nbformat compiles its notebook schema into a validator (fastjsonschema) on first use — papermill
  validates every notebook it reads, writes and every output it records.

Everything is best effort: a failure here only means the worker builds it itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def _output_discarded() -> Iterator[None]:
    """Standard output and error (the descriptors too) to ``/dev/null`` meanwhile: the fork
    server shares the terminal of ``workbench report``, and importing the kernel's modules talks
    there (debugpy warns about frozen modules), as a launched kernel does into its own log."""
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def warm_up() -> None:
    """Build the shared pieces listed in the module docstring (never raises)."""
    with contextlib.suppress(Exception):
        from jupyter_client.kernelspec import KernelSpecManager

        KernelSpecManager().get_kernel_spec("python3")
    with contextlib.suppress(Exception):
        from jupyter_client.localinterfaces import localhost

        localhost()
    with contextlib.suppress(Exception):
        import nbformat
        from nbformat.v4 import new_code_cell, new_notebook, new_output

        cell = new_code_cell("1", outputs=[new_output("stream", name="stdout", text="1")])
        nbformat.reads(nbformat.writes(new_notebook(cells=[cell])), as_version=4)
    with contextlib.suppress(Exception), _output_discarded():
        from .kernel_fork import KERNEL_MODULES, WITHOUT_MODULES
        from .kernel_state import import_preload

        for name in WITHOUT_MODULES:
            if "ipykernel" not in sys.modules:
                sys.modules.setdefault(name, None)  # type: ignore[arg-type]
        import_preload(list(KERNEL_MODULES))
    # imported once, shared by every fork: never scanned (or copied) again; not collected
    # first (0.04 s on the way to the first report for the few cycles imports leave)
    gc.freeze()


warm_up()

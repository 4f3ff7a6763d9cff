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
    with contextlib.suppress(Exception):
        from .kernel_fork import KERNEL_MODULES
        from .kernel_state import import_preload

        import_preload(list(KERNEL_MODULES))
    gc.collect()
    gc.freeze()  # imported once, shared by every fork: never scanned (or copied) again


warm_up()

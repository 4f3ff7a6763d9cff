"""Runs *inside* a warm kernel: snapshot the pristine state once, restore it before each report.

The engine sends this file's source to the kernel (it does not need ``workbench`` to be importable
there) and calls :func:`setup` once after start-up and :func:`prepare` before every notebook.
Everything a report can change that would be visible to the next one is restored: the user
namespace (``InteractiveShell.reset``, the ``%reset -f`` of a fresh session incl. ``In``/``Out`` and
the execution counter), working directory, environment, ``sys.path``, warning filters and
"once" registries, locale, logging, display formatters, matplotlib figures/rcParams/inline backend
settings, pandas options and numpy print/error settings. Imported modules stay (that is the point).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import locale
import logging
import os
import sys
import warnings
from typing import Any

_BASE: dict[str, Any] = {}
_ALWAYS = ("numpy", "pandas", "matplotlib")
_MPL_INLINE_TRAITS = ("figure_formats", "print_figure_kwargs", "close_figures", "rc")


def _shell() -> Any:
    from IPython import get_ipython

    return get_ipython()


def setup(preload: list[str]) -> None:
    """Import ``preload`` (best effort; with the parts a package lists in ``__preload__``) and
    take the snapshot later reports are reset to."""
    # numpy/pandas/matplotlib are imported in any case: their global options are part of the
    # snapshot, so they must exist before it is taken (a later import could not be reset)
    import_preload([*_ALWAYS, *preload])
    if _draws_itself(preload):
        _select_backend()
    _snapshot()
    gc.collect()
    gc.freeze()  # import-time objects: never garbage, so later collections need not scan them


def _draws_itself(preload: list[str]) -> bool:
    """Whether the template may draw with matplotlib itself: then pyplot and its (inline) backend
    are set up now, so the display formatters and inline settings it registers are part of the
    snapshot every report starts from. True without a preload list (nothing known about it).

    The shipped templates do not draw (``template_imports`` names no matplotlib for them): their
    charts are SVG from ``workbench.charts``, which imports pyplot on the Agg backend only for the
    one heatmap a batch draws. Importing pyplot at every kernel start cost 0.15 CPU-s and 14 MiB
    per kernel."""
    return not preload or any(name == "matplotlib" or name.startswith("matplotlib.")
                              for name in preload)


def _select_backend() -> None:
    try:  # select the (inline) backend now, as a notebook's first figure would
        import matplotlib.pyplot as plt

        getter = getattr(plt, "_get_backend_mod", None)
        if getter is not None:
            getter()
        else:
            plt.close(plt.figure())
    except Exception:
        pass


def import_preload(names: list[str]) -> None:
    """Import ``names`` (best effort: the notebook reports its own import error), and for a
    package that imports its parts lazily the parts it lists in ``__preload__``."""
    for name in names:
        with contextlib.suppress(Exception):
            module = importlib.import_module(name)
            for part in getattr(module, "__preload__", ()):
                with contextlib.suppress(Exception):
                    importlib.import_module(f"{name}.{part}")


def _snapshot() -> None:
    ip = _shell()
    _BASE["environ"] = dict(os.environ)
    _BASE["path"] = list(sys.path)
    _BASE["filters"] = list(warnings.filters)
    _BASE["locale"] = locale.setlocale(locale.LC_ALL)
    root = logging.getLogger()
    _BASE["logging"] = (list(root.handlers), root.level, logging.root.manager.disable)
    _BASE["formatters"] = {
        mime: (f.enabled, dict(f.type_printers), dict(f.deferred_printers))
        for mime, f in ip.display_formatter.formatters.items()}
    if "matplotlib" in sys.modules:
        import matplotlib

        _BASE["rc"] = {k: copy.deepcopy(dict.__getitem__(matplotlib.rcParams, k))
                       for k in matplotlib.rcParams if k != "backend"}
        inline = _inline_backend()
        if inline is not None:
            _BASE["inline"] = {t: copy.deepcopy(getattr(inline, t)) for t in _MPL_INLINE_TRAITS}
    if "pandas" in sys.modules:
        _BASE["pandas"] = _pandas_options()
    if "numpy" in sys.modules:
        import numpy

        _BASE["numpy"] = (numpy.get_printoptions(), numpy.geterr())


def prepare(cwd: str, env: dict[str, str], gc_collect: bool = True) -> None:
    """Reset everything to the snapshot, then enter ``cwd`` with ``env`` added to the environment."""
    ip = _shell()
    collect = gc.collect
    gc.collect = lambda generation=2: 0  # IPython's reset collects every time; we do it below
    try:
        ip.reset(new_session=True)  # %reset -f + fresh In/Out/history + execution_count = 1
    finally:
        gc.collect = collect
    os.chdir(cwd)
    if os.environ != {**_BASE["environ"], **env}:
        os.environ.clear()
        os.environ.update(_BASE["environ"])
        os.environ.update(env)
    sys.path[:] = _BASE["path"]
    warnings.filters[:] = _BASE["filters"]
    warnings._filters_mutated()  # forget "once"/"default" warnings already shown
    getattr(warnings, "_onceregistry", {}).clear()
    if locale.setlocale(locale.LC_ALL) != _BASE["locale"]:
        locale.setlocale(locale.LC_ALL, _BASE["locale"])
    root = logging.getLogger()
    handlers, level, disable = _BASE["logging"]
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.disable(disable)
    _restore_matplotlib()
    for mime, formatter in ip.display_formatter.formatters.items():
        enabled, types, deferred = _BASE["formatters"].get(mime, (True, {}, {}))
        formatter.enabled = enabled
        if formatter.type_printers != types:
            formatter.type_printers.clear()
            formatter.type_printers.update(types)
        if formatter.deferred_printers != deferred:
            formatter.deferred_printers.clear()
            formatter.deferred_printers.update(deferred)
    if "pandas" in _BASE and "pandas" in sys.modules:
        _restore_pandas(_BASE["pandas"])
    if "numpy" in _BASE:
        import numpy

        printopts, err = _BASE["numpy"]
        if numpy.get_printoptions() != printopts:
            numpy.set_printoptions(**printopts)
        numpy.seterr(**err)
    if gc_collect:
        _collect()


#: Every this many reports the objects frozen after earlier reports are collectable again.
FULL_COLLECT_EVERY = 10
_collections = [0]


def _collect() -> None:
    """Collect the last report's cyclic garbage, then freeze what survives.

    What survives a report (module caches, memos, loaded repositories) is scanned by every later
    collection -- also by the automatic ones during the next reports -- though it rarely becomes
    garbage: for the 18 example reports in one process the collections cost 0.6-0.7 CPU-s, with
    the survivors frozen 0.11-0.12 (resident memory the same). Cyclic garbage among frozen objects
    (an entry a bounded cache dropped) waits for the next full collection, every
    :data:`FULL_COLLECT_EVERY` reports; acyclic garbage is freed at once as always."""
    _collections[0] += 1
    if _collections[0] % FULL_COLLECT_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def rss_bytes() -> int:
    """Resident memory of this kernel (0 if unknown)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _inline_backend() -> Any:
    module = sys.modules.get("matplotlib_inline.config")
    return module.InlineBackend.instance() if module is not None else None


def _restore_matplotlib() -> None:
    if "matplotlib" not in sys.modules or "rc" not in _BASE:
        return
    import matplotlib

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    inline = _inline_backend()
    if inline is not None and "inline" in _BASE:
        for trait, value in _BASE["inline"].items():
            if getattr(inline, trait) != value:
                setattr(inline, trait, copy.deepcopy(value))
    rc = matplotlib.rcParams
    for key, value in _BASE["rc"].items():
        try:
            same = dict.__getitem__(rc, key) == value
        except Exception:  # exotic values: restore to be safe
            same = False
        if not (same is True or getattr(same, "all", lambda: False)()):
            dict.__setitem__(rc, key, copy.deepcopy(value))


def _pandas_options() -> dict[str, Any]:
    from pandas._config import config

    flat: dict[str, Any] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                flat[f"{prefix}{key}"] = value

    walk("", config._global_config)
    return flat


def _restore_pandas(base: dict[str, Any]) -> None:
    try:
        current = _pandas_options()
    except Exception:  # private API moved: skip rather than break reports
        return
    if current == base:
        return
    import pandas

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in base.items():
            if current.get(key, object()) != value:
                with contextlib.suppress(Exception):
                    pandas.set_option(key, value)

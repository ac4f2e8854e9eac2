"""The parts of Voilà that peerkit relies on beyond its documented options.

peerkit wraps Voilà's kernel-manager factory (peerkit/serve/voila_app.py) and speaks
its pre-heated request protocol from the kernel (peerkit/serve/preheat.py). Neither
is public API, so ``peerkit serve`` checks at start-up that they are there and stops
with a message naming the installed Voilà if not, rather than serving pages that
never fill.
"""

from __future__ import annotations

import inspect

#: The Voilà versions these internals were read from (pyproject.toml pins the same).
SUPPORTED_VOILA = ">=0.5.6,<0.6"

#: Environment variables Voilà sets in a pre-heated kernel and peerkit reads there.
PREHEAT_ENV_NAMES = (
    "VOILA_PREHEAT",
    "VOILA_KERNEL_ID",
    "VOILA_APP_IP",
    "VOILA_APP_PORT",
    "VOILA_SERVER_URL",
    "VOILA_WS_PROTOCOL",
    "VOILA_WS_BASE_URL",
)

#: Voilà's handlers that peerkit/serve/guards.py replaces, by their names in ``voila.app``.
GUARDED_HANDLERS = (
    "TemplateStaticFileHandler",
    "MultiStaticFileHandler",
    "AllowListFileHandler",
    "RequestInfoSocketHandler",
)
#: The handler of the extensions' files, which peerkit/serve/caching.py extends.
REPLACED_HANDLERS = (*GUARDED_HANDLERS, "FileFindHandler")

#: What the pre-heating kernel manager must have (voila.voila_kernel_manager).
MANAGER_METHODS = ("get_pool_size", "get_rendered_notebook", "fill_if_needed")


class VoilaMismatch(RuntimeError):
    """The installed Voilà lacks something peerkit relies on."""


def voila_version() -> str:
    try:
        import voila
    except ImportError:
        return "not installed"
    return str(getattr(voila, "__version__", "of unknown version"))


def mismatch_message(missing: list[str]) -> str:
    """The message for a Voilà without ``missing`` (names of the parts peerkit uses)."""
    return (
        f"peerkit serve cannot run with the installed Voilà ({voila_version()}): it "
        f"relies on {'; '.join(missing)}, which this Voilà does not have. Install a "
        f"supported version (pip install 'voila{SUPPORTED_VOILA}'), or run "
        "`peerkit serve --no-preheat` if only the pre-heating parts are missing."
    )


def missing_parts(*, preheat: bool = True) -> list[str]:
    """The Voilà internals peerkit needs that the installed Voilà lacks (empty: all there)."""
    missing: list[str] = []
    try:
        from voila import app
    except ImportError:
        return ["the voila package"]
    factory = getattr(app, "voila_kernel_manager_factory", None)
    if not callable(factory):
        missing.append("voila.app.voila_kernel_manager_factory")
    missing += [
        f"voila.app.{name}"
        for name in REPLACED_HANDLERS
        if not isinstance(getattr(app, name, None), type)
    ]
    if not preheat:
        return missing
    if callable(factory):
        from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

        try:
            manager = factory(AsyncMappingKernelManager, True, 0)
        except Exception:  # a changed signature
            manager = None
            missing.append("voila_kernel_manager_factory(base_class, preheat_kernel, pool_size)")
        if manager is not None:
            missing += [
                f"the pre-heating kernel manager's {name}"
                for name in MANAGER_METHODS
                if not callable(getattr(manager, name, None))
            ]
    try:
        from voila.request_info_handler import RequestInfoSocketHandler
    except ImportError:
        missing.append("voila.request_info_handler.RequestInfoSocketHandler")
    else:
        if not callable(getattr(RequestInfoSocketHandler, "send_updates", None)):
            missing.append("RequestInfoSocketHandler.send_updates")
    voila_class = getattr(app, "Voila", None)
    try:
        handlers_source = inspect.getsource(voila_class.init_handlers)  # type: ignore[union-attr]
    except (AttributeError, OSError, TypeError):
        handlers_source = ""
    if "voila/query/" not in handlers_source:
        missing.append("the voila/query/<kernel_id> request-info websocket")
    try:
        from voila.utils import ENV_VARIABLE
    except ImportError:
        missing.append("voila.utils.ENV_VARIABLE")
    else:
        known = {str(getattr(member, "value", member)) for member in ENV_VARIABLE}
        missing += [f"the {name} variable" for name in PREHEAT_ENV_NAMES if name not in known]
    return missing


def check_voila(*, preheat: bool = True) -> None:
    """Raise :class:`VoilaMismatch` naming what is missing from the installed Voilà."""
    missing = missing_parts(preheat=preheat)
    if missing:
        raise VoilaMismatch(mismatch_message(missing))

# The single-user server's configuration in the class image (deploy/Dockerfile.singleuser
# copies it to /usr/local/etc/jupyter/jupyter_server_config.py).
#
# Under JupyterHub, Voilà runs inside each learner's jupyter_server (its server
# extension, at /user/NAME/voila/render/...), not as `peerkit serve`'s own Voilà app.
# The settings that still apply there are taken from peerkit serve's own list
# (peerkit/serve/voila_config.py, each with its reason), so the two cannot drift:
# the course's template, no tracebacks, the course data the template shows, kernel
# culling, the output wait and ipc transport. The ones that belong to Voilà's own app
# (its address, token, Host checks, notary folder) or that only it supports
# (pre-heated kernels) are left out: the hub and the single-user server do those.

from pathlib import Path

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.serve.voila_config import ServeOptions, voila_settings

c = get_config()  # noqa: F821

#: The sections of peerkit serve's settings that a jupyter_server with Voilà's
#: server extension reads.
SERVER_SECTIONS = frozenset(
    {"VoilaConfiguration", "VoilaExecutor", "MappingKernelManager", "KernelManager"}
)

# The server's root is the course's notebooks/ folder (PEERKIT_HOME/notebooks, set in
# the image), so singleuser.defaultUrl /voila/render/index.ipynb is the course home.
c.ServerApp.root_dir = str(paths.notebooks_dir())

for _setting in voila_settings(
    load_course(), ServeOptions(preheat=False), runtime=Path("/nonexistent")
):
    if _setting.section in SERVER_SECTIONS:
        setattr(c[_setting.section], _setting.name, _setting.value)

# The single-user server's configuration in the class image (deploy/Dockerfile.singleuser
# copies it to /usr/local/etc/jupyter/jupyter_server_config.py).
#
# Under JupyterHub, Voilà runs inside each learner's jupyter_server (its server
# extension, at /user/NAME/voila/render/...), not as `peerkit serve`'s own Voilà app.
# The settings are the one-machine class's own (peerkit/hub/singleuser.py, each with its
# reason), so the two cannot drift: the course's template, no tracebacks, the course
# data the template shows, kernel culling, the output wait, and failing cells logged
# by number only. JupyterLab and the other notebook interfaces are loaded only in a
# server the hub marked a facilitator's (peerkit/hub/authoring.py; values.yaml's
# hub.extraConfig.peerkit-authoring sets the mark).

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.hub.authoring import course_only
from peerkit.hub.singleuser import redact_cell_errors, singleuser_settings

c = get_config()  # noqa: F821

# The server's root is the course's notebooks/ folder (PEERKIT_HOME/notebooks, set in
# the image), so singleuser.defaultUrl /voila/render/index.ipynb is the course home.
c.ServerApp.root_dir = str(paths.notebooks_dir())

for _setting in singleuser_settings(load_course()):
    setattr(c[_setting.section], _setting.name, _setting.value)

course_only(c)

redact_cell_errors()

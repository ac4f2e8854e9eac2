"""The class on JupyterHub: the peerkit hub service, its client, and running a class.

- ``api``: the service's HTTP API, shared by the service and its client.
- ``service``: the service (the only process that opens the class's database).
- ``client``: ``ServiceStore``, the answer store a learner's kernel uses in a class.
- ``postgres``, ``hub_config``, ``singleuser``, ``classroom``: one class on one machine
  (``peerkit class``).
"""

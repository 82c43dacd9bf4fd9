"""Settings: ``base`` holds what every environment shares; ``local``, ``test`` and ``production``
adjust it. Every deploy-time value comes from an environment variable, listed in ``base.ENV_SETTINGS``
and documented in docs/admin-guide.md."""

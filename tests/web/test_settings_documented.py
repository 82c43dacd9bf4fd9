"""Every environment setting is documented in the administrator's guide (convention 11)."""

from pathlib import Path

from clusterworks.web.config.settings.base import ENV_SETTINGS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "admin-guide.md"


def test_every_environment_setting_is_in_the_admin_guide():
    text = GUIDE.read_text(encoding="utf-8")
    missing = [name for name in ENV_SETTINGS if f"`{name}`" not in text]
    assert not missing, f"document these settings in docs/admin-guide.md: {missing}"

# Drives the test Redfish service with sushy (OpenStack Ironic's Redfish library), so the service
# is checked against a reading of the standard other than Ferrum's own.
# Usage: python3 sushy-check.py BASE_URL USER PASSWORD; prints one "key value" line per step, with
# Redfish's own spellings of the values.
import sys

import sushy
from sushy import auth


def value(v):
    return getattr(v, "value", v)


base, user, password = sys.argv[1:4]
root = sushy.Sushy(base + "/redfish/v1", auth=auth.BasicAuth(user, password))
system = root.get_system("/redfish/v1/Systems/1")
print("power", value(system.power_state))
print("allowed", ",".join(sorted(value(v) for v in system.get_allowed_reset_system_values())))
system.reset_system(sushy.RESET_ON)
system.refresh()
print("power", value(system.power_state))
system.set_system_boot_options(
    target=sushy.BOOT_SOURCE_TARGET_PXE, enabled=sushy.BOOT_SOURCE_ENABLED_CONTINUOUS
)
system.refresh()
print("boot", value(system.boot.target), value(system.boot.enabled))

#!/usr/bin/python3
"""Drives a Ferrum API server with openstacksdk's baremetal proxy, as an Ironic user would.

Usage: openstacksdk_check.py URL. Exits 0 when every check passed; otherwise prints the first
failure and exits 1. Run by OpenstackSdkCompatibilityTest against a fresh server.
"""
import sys

import openstack
from openstack import exceptions


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main(url):
    conn = openstack.connect(
        auth_type="none",
        baremetal_endpoint_override=url,
        baremetal_api_version="1.78",
    )
    bm = conn.baremetal

    # Nodes, their fields and the lifecycle.
    node = bm.create_node(
        driver="fake-hardware",
        name="sdk-1",
        resource_class="sdk-gold",
        boot_interface="fake",
        provision_state="enroll",
    )
    check(node.provision_state == "enroll", "created in enroll: %s" % node.provision_state)
    check(node.resource_class == "sdk-gold", "resource_class: %s" % node.resource_class)
    node = bm.update_node(node, owner="sdk-team", description="rack 4")
    check(node.owner == "sdk-team", "owner: %s" % node.owner)
    names = [n.name for n in bm.nodes(resource_class="sdk-gold")]
    check(names == ["sdk-1"], "filter by resource_class: %s" % names)
    # This SDK release has no owner filter: the request it would make.
    listed = bm.get("/nodes?owner=sdk-team&detail=true", microversion="1.78").json()["nodes"]
    check([n["name"] for n in listed] == ["sdk-1"], "filter by owner: %s" % listed)
    node = bm.set_node_provision_state(node, "manage", wait=True, timeout=60)
    check(node.provision_state == "manageable", "managed: %s" % node.provision_state)

    # Traits.
    bm.add_node_trait(node, "CUSTOM_GPU")
    bm.set_node_traits(node, ["CUSTOM_GPU", "HW_CPU_X86_VMX"])
    node = bm.get_node("sdk-1")
    check(sorted(node.traits) == ["CUSTOM_GPU", "HW_CPU_X86_VMX"], "traits: %s" % node.traits)
    bm.remove_node_trait(node, "CUSTOM_GPU")
    check(bm.get_node("sdk-1").traits == ["HW_CPU_X86_VMX"], "trait removed")
    try:
        bm.add_node_trait(node, "not_a_trait")
        raise AssertionError("an invalid trait was accepted")
    except exceptions.BadRequestException as e:
        check("Invalid trait" in str(e), "invalid trait message: %s" % e)

    # Boot device and NMI.
    bm.set_node_boot_device(node, "disk", persistent=True)
    # Readers that this SDK release lacks: the requests newer ones make.
    device = bm.get("/nodes/sdk-1/management/boot_device", microversion="1.78").json()
    check(device["boot_device"] == "disk", "boot device: %s" % device)
    supported = bm.get(
        "/nodes/sdk-1/management/boot_device/supported", microversion="1.78"
    ).json()["supported_boot_devices"]
    check("pxe" in supported, "supported boot devices: %s" % supported)
    inject = getattr(bm, "inject_nmi_to_node", None)
    if inject is not None:
        inject(node)
    else:
        response = bm.put("/nodes/sdk-1/management/inject_nmi", json={},
                          microversion="1.78")
        check(response.status_code == 204, "inject nmi: %s" % response.status_code)

    # Ports and port groups.
    group = bm.create_port_group(node_id=node.id, name="bond0", mode="802.3ad")
    check(group.mode == "802.3ad", "port group mode: %s" % group.mode)
    port = bm.create_port(
        node_id=node.id,
        address="52:54:00:AB:CD:EF",
        port_group_id=group.id,
        local_link_connection={"switch_id": "0a:1b:2c:3d:4e:5f", "port_id": "Ethernet3/1"},
    )
    check(port.address == "52:54:00:ab:cd:ef", "normalized MAC: %s" % port.address)
    ports = list(bm.ports(node=node.id, details=True))
    check([p.id for p in ports] == [port.id], "ports of the node: %s" % ports)
    check(ports[0].port_group_id == group.id, "port's group: %s" % ports[0].port_group_id)
    found = list(bm.ports(address="52:54:00:ab:cd:ef"))
    check(len(found) == 1, "port by address: %s" % found)
    port = bm.update_port(port, extra={"rack": "r4"})
    check(port.extra == {"rack": "r4"}, "port extra: %s" % port.extra)
    try:
        bm.create_port(node_id=node.id, address="52:54:00:ab:cd:ef")
        raise AssertionError("a duplicate MAC was accepted")
    except exceptions.ConflictException:
        pass
    check([g.name for g in bm.port_groups()] == ["bond0"], "port groups")
    bm.delete_port(port)
    bm.delete_port_group(group)

    # History, drivers, validation.
    history = bm.get("/nodes/sdk-1/history?detail=true", microversion="1.78").json()["history"]
    check(len(history) >= 2, "history: %s" % history)
    event = bm.get("/nodes/sdk-1/history/%s" % history[0]["uuid"], microversion="1.78").json()
    check(event["uuid"] == history[0]["uuid"], "history event: %s" % event)
    driver = bm.get_driver("fake-hardware")
    check(driver.default_deploy_interface == "fake", "driver: %s" % driver)
    drivers = list(bm.drivers(details=True))
    raid = {d.name: d.enabled_raid_interfaces for d in drivers}
    check(raid.get("fake-hardware") == ["no-raid", "fake"], "fake RAID interfaces: %s" % raid)
    check(raid.get("ipmi") == ["no-raid", "agent"], "ipmi RAID interfaces: %s" % raid)
    check(raid.get("libvirt") == ["no-raid"], "libvirt RAID interfaces: %s" % raid)
    ipmi = bm.get_driver("ipmi")
    check(ipmi.enabled_boot_interfaces == ["ipmi", "ipxe"], "ipmi boot interfaces: %s" % ipmi)
    check(ipmi.enabled_deploy_interfaces == ["ipmi", "direct"], "ipmi deploy: %s" % ipmi)

    # The target RAID configuration. This SDK release has no call to set it: the request it would
    # make; the node's fields are the SDK's own.
    raid_config = {"logical_disks": [{"size_gb": "MAX", "raid_level": "1", "is_root_volume": True}]}
    refused = bm.put("/nodes/sdk-1/states/raid", json=raid_config, microversion="1.78")
    check(refused.status_code == 404, "no-raid refusal: %s %s" % (refused.status_code, refused.text))
    chosen = bm.update_node("sdk-1", raid_interface="fake")
    check(chosen.raid_interface == "fake", "raid_interface: %s" % chosen.raid_interface)
    response = bm.put("/nodes/sdk-1/states/raid", json=raid_config, microversion="1.78")
    check(response.status_code == 204, "set RAID: %s %s" % (response.status_code, response.text))
    shown = bm.get_node("sdk-1")
    check(shown.target_raid_config == raid_config, "target: %s" % shown.target_raid_config)
    check(shown.raid_config == {}, "raid_config: %s" % shown.raid_config)
    bm.put("/nodes/sdk-1/states/raid", json={}, microversion="1.78")
    check(bm.get_node("sdk-1").target_raid_config == {}, "target RAID config cleared")
    properties = bm.get("/drivers/fake-hardware/properties", microversion="1.78").json()
    check("fake_fail" in properties, "driver properties: %s" % properties)
    validation = bm.validate_node(node, required=None)
    check(
        sorted(validation) == ["bios", "boot", "console", "deploy", "inspect", "management",
                               "network", "power", "raid", "rescue", "storage"],
        "validated interfaces: %s" % sorted(validation),
    )
    check(validation["power"].result, "power validates")

    # What Ferrum does not implement says so.
    response = bm.get("/chassis", microversion="1.78")
    check(response.status_code == 404, "chassis: %s" % response.status_code)
    check("Ferrum does not implement" in response.text, "chassis body: %s" % response.text)

    # A deleted node takes its ports along.
    bm.create_port(node_id=node.id, address="52:54:00:ab:cd:f0")
    bm.delete_node(node)
    check(list(bm.ports()) == [], "ports went with the node")
    # Conductor groups, a deploy with a config drive and deploy steps.
    grouped = bm.create_node(driver="fake-hardware", name="sdk-2", conductor_group="Rack-B")
    check(grouped.conductor_group == "rack-b", "conductor_group: %s" % grouped.conductor_group)
    names = [n.name for n in bm.nodes(conductor_group="rack-b")]
    check(names == ["sdk-2"], "filter by conductor_group: %s" % names)
    bm.update_node(grouped, conductor_group="")
    for target in ("manage", "provide"):
        grouped = bm.set_node_provision_state(grouped, target, wait=True, timeout=60)
    grouped = bm.set_node_provision_state(
        grouped,
        "active",
        config_drive={"meta_data": {"hostname": "sdk-secret-host"}},
        deploy_steps=[{"interface": "deploy", "step": "write_image", "args": {}, "priority": 80}],
        wait=True,
        timeout=60,
    )
    check(grouped.provision_state == "active", "deployed: %s" % grouped.provision_state)
    shown = bm.get_node("sdk-2")
    check(shown.instance_info.get("configdrive") == "******", "configdrive: %s" % shown.instance_info)
    steps = shown.driver_internal_info.get("user_deploy_steps")
    check(steps and steps[0]["step"] == "write_image", "deploy steps: %s" % steps)
    bm.set_node_provision_state(grouped, "deleted", wait=True, timeout=60)
    bm.delete_node("sdk-2")

    # Allocations: a node picked by resource class and traits, then freed.
    spare = bm.create_node(driver="fake-hardware", name="sdk-3", resource_class="sdk-silver")
    for target in ("manage", "provide"):
        spare = bm.set_node_provision_state(spare, target, wait=True, timeout=60)
    bm.set_node_power_state(spare, "power off", wait=True, timeout=60)
    bm.set_node_traits(spare, ["CUSTOM_SDK"])
    allocation = bm.create_allocation(
        resource_class="sdk-silver", traits=["CUSTOM_SDK"], name="sdk-alloc"
    )
    allocation = bm.wait_for_allocation(allocation, timeout=60)
    check(allocation.state == "active", "allocation state: %s" % allocation.state)
    check(allocation.node_id == spare.id, "allocated node: %s" % allocation.node_id)
    shown = bm.get_node("sdk-3")
    check(shown.allocation_id == allocation.id, "node's allocation: %s" % shown.allocation_id)
    check(shown.instance_id == allocation.id, "node's instance: %s" % shown.instance_id)
    names = [a.name for a in bm.allocations(state="active")]
    check(names == ["sdk-alloc"], "active allocations: %s" % names)
    failed = bm.create_allocation(resource_class="sdk-none")
    try:
        bm.wait_for_allocation(failed, timeout=60)
        raise AssertionError("an allocation with no matching node succeeded")
    except exceptions.ResourceFailure as e:
        check("no available nodes match" in str(e), "failed allocation: %s" % e)
    bm.delete_allocation(failed)
    bm.delete_allocation("sdk-alloc")
    check(bm.get_node("sdk-3").allocation_id is None, "node freed")
    bm.delete_node("sdk-3")

    print("openstacksdk: every check passed")


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # noqa: BLE001 - report whatever failed, as one line
        print("FAILED: %s: %s" % (type(e).__name__, e))
        sys.exit(1)

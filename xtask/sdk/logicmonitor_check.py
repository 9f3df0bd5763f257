"""Drive LogicMonitor's official Python SDK (logicmonitor-sdk) against `portalctl sandbox`.

Used by `cargo xtask sdk-check`. Reads the LogicMonitor base URL and LMv1 credentials from
PORTALCTL_SANDBOX_LM_URL, PORTALCTL_SANDBOX_LM_ACCESS_ID and PORTALCTL_SANDBOX_LM_ACCESS_KEY
(as `portalctl sandbox` prints them). Each check prints one line `ok <name>` or
`FAILED <name>: <reason>`; the exit status is the number of failures.
"""

import os
import sys
import traceback

import logicmonitor_sdk
from logicmonitor_sdk.rest import ApiException


def api_for(url, access_id, access_key):
    configuration = logicmonitor_sdk.Configuration()
    # The SDK derives its host from `company` (https://COMPANY.logicmonitor.com) and has
    # no setter for `host`: the loopback URL goes into its backing field.
    configuration._host = url
    configuration.access_id = access_id
    configuration.access_key = access_key
    return logicmonitor_sdk.LMApi(logicmonitor_sdk.ApiClient(configuration))


def check_projection(api):
    page = api.get_admin_list(fields="id,username", size=5)
    assert page.items, "no users listed"
    for admin in page.items:
        assert admin.id is not None and admin.username, admin


def check_filter_group_string(api):
    everyone = api.get_admin_list(size=1000).items
    assert everyone, "no users listed"
    username = everyone[0].username
    matching = api.get_admin_list(filter_group_string=username, size=1000).items
    assert any(admin.username == username for admin in matching), "the user itself is missing"
    nothing = api.get_admin_list(filter_group_string="no-such-user-zz9", size=1000).items
    assert not nothing, "a string matching nobody returned %d users" % len(nothing)


def check_roles(api):
    privilege = logicmonitor_sdk.Privilege(
        object_type="dashboard_group", object_id="*", operation="read"
    )
    created = api.add_role(
        body=logicmonitor_sdk.Role(name="sdk-check-role", privileges=[privilege])
    )
    assert created.id, "the created role has no id"
    patched = api.patch_role_by_id(
        created.id,
        body=logicmonitor_sdk.Role(
            name="sdk-check-role", description="patched by the SDK", privileges=[privilege]
        ),
    )
    assert patched.description == "patched by the SDK", patched
    api.delete_role_by_id(created.id)
    try:
        api.get_role_by_id(created.id)
    except ApiException as error:
        assert error.status == 404, error.status
    else:
        raise AssertionError("the deleted role is still there")


def check_token_patch(api, own_access_id):
    # Not the token this check signs with: disabling it would lock the check out.
    tokens = api.get_api_token_list(size=1000).items
    token = next(
        token for token in tokens if token.status == 2 and token.access_id != own_access_id
    )
    patched = api.patch_api_token_by_admin_id(
        token.admin_id, token.id, body=logicmonitor_sdk.APIToken(status=1)
    )
    assert patched.status == 1, patched
    api.patch_api_token_by_admin_id(
        token.admin_id, token.id, body=logicmonitor_sdk.APIToken(status=2)
    )


def check_bad_credentials(url, access_id):
    api = api_for(url, access_id, "not-the-key")
    try:
        api.get_admin_list(size=1)
    except ApiException as error:
        assert error.status == 401, error.status
    else:
        raise AssertionError("a wrong key was accepted")


def main():
    url = os.environ["PORTALCTL_SANDBOX_LM_URL"]
    access_id = os.environ["PORTALCTL_SANDBOX_LM_ACCESS_ID"]
    access_key = os.environ["PORTALCTL_SANDBOX_LM_ACCESS_KEY"]
    api = api_for(url, access_id, access_key)
    checks = [
        ("list with fields=id,username", lambda: check_projection(api)),
        ("filterGroupString", lambda: check_filter_group_string(api)),
        ("role create, patch, delete", lambda: check_roles(api)),
        ("API token PATCH", lambda: check_token_patch(api, access_id)),
        ("401 for a wrong key", lambda: check_bad_credentials(url, access_id)),
    ]
    failures = 0
    for name, check in checks:
        try:
            check()
            print("ok %s" % name)
        except Exception as error:  # every failure is reported, the rest still run
            failures += 1
            reason = str(error) or traceback.format_exc(limit=1).strip().splitlines()[-1]
            print("FAILED %s: %s" % (name, reason))
    sys.exit(failures)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: securityhub
version_added: 0.1.0
short_description: Enable AWS Security Hub in a region and choose its standards
description:
  - Enable (or, with O(state=absent), disable) AWS Security Hub in a region, tag its hub, and enable the security
    standards asked for (C(BatchEnableStandards)). Standards enabled but not asked for are disabled only with
    O(purge_standards).
  - The hub is read first (C(DescribeHub), C(GetEnabledStandards), C(ListTagsForResource)); nothing is written when it
    already is as asked. A standard being disabled (V(DELETING)) counts as not enabled.
  - Standards are given by id (such as V(pci-dss/v/3.2.1)) or by ARN; the module builds the region's ARN from an id
    (V(arn:aws:securityhub:REGION::standards/ID), except CIS v1.2.0's V(arn:aws:securityhub:::ruleset/ID)). Ids and ARNs
    are checked against the standards the module knows before any AWS call, and against C(DescribeStandards) before
    any is enabled.
author:
  - 1001 Stories platform team (@1001stories)
options:
  state:
    description:
      - Whether Security Hub is enabled in the region. V(absent) disables it, which also disables its standards.
    type: str
    choices: ["present", "absent"]
    default: present
  enable_default_standards:
    description:
      - When Security Hub is enabled by this task, whether AWS also enables its default standards. They are then
        managed as any other (kept unless O(purge_standards) and not in O(standards)).
      - Has no effect on a hub already enabled.
    type: bool
    default: false
  standards:
    description:
      - Standards that should be enabled, by id (V(aws-foundational-security-best-practices/v/1.0.0),
        V(cis-aws-foundations-benchmark/v/1.2.0), V(cis-aws-foundations-benchmark/v/1.4.0),
        V(cis-aws-foundations-benchmark/v/3.0.0), V(cis-aws-foundations-benchmark/v/5.0.0), V(nist-800-53/v/5.0.0),
        V(pci-dss/v/3.2.1), V(pci-dss/v/4.0.1), V(aws-resource-tagging-standard/v/1.0.0)) or by standards ARN of the region.
      - When not given, the enabled standards are left alone.
    type: list
    elements: str
  purge_standards:
    description: Disable the enabled standards not listed in O(standards) (only when O(standards) is given).
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the hub that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the hub before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - Security Hub is regional; run the module once per region. Most of its controls rely on AWS Config recording in the
    region, which this module does not set up.
  - AWS enables a standard asynchronously (V(PENDING), then V(READY)); the module does not wait.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Security Hub with FSBP, CIS 1.2.0 and PCI DSS 3.2.1, nothing else
  stories1001.infra.securityhub:
    region: us-east-1
    standards:
      - aws-foundational-security-best-practices/v/1.0.0
      - cis-aws-foundations-benchmark/v/1.2.0
      - pci-dss/v/3.2.1
    purge_standards: true
    tags:
      Project: 1001-stories
      Component: security

- name: Enable Security Hub with AWS's default standards and leave them be
  stories1001.infra.securityhub:
    region: eu-west-1
    enable_default_standards: true

- name: Disable Security Hub in a region
  stories1001.infra.securityhub:
    region: ap-southeast-1
    state: absent
"""

RETURN = r"""
hub:
  description: The hub as it is (or, in check mode, would be) after the task; empty when Security Hub is not enabled.
  returned: always
  type: dict
  contains:
    hub_arn:
      description: The ARN of the hub (unknown in check mode before it is enabled).
      returned: when Security Hub is enabled
      type: str
      sample: arn:aws:securityhub:us-east-1:123456789012:hub/default
    subscribed_at:
      description: When Security Hub was enabled.
      returned: when Security Hub is enabled
      type: str
    auto_enable_controls:
      description: Whether new controls of enabled standards are enabled automatically.
      returned: when AWS reports it
      type: bool
    control_finding_generator:
      description: V(SECURITY_CONTROL) (consolidated findings) or V(STANDARD_CONTROL).
      returned: when AWS reports it
      type: str
    standards:
      description: The ARNs of the enabled standards (not those being disabled), sorted.
      returned: when Security Hub is enabled
      type: list
      elements: str
      sample: ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0", "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1"]
    standards_subscriptions:
      description: The status of each enabled standard's subscription, by standards ARN.
      returned: when Security Hub is enabled
      type: dict
      sample: {"arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1": "READY"}
    tags:
      description: The tags of the hub.
      returned: when Security Hub is enabled
      type: dict
enabled_standards:
  description: The standards ARNs enabled by the task (or that would be), sorted.
  returned: always
  type: list
  elements: str
disabled_standards:
  description: The standards ARNs disabled by the task (or that would be), sorted.
  returned: always
  type: list
  elements: str
diff:
  description: The hub before and after the task, each in the form of RV(hub).
  returned: always
  type: dict
  contains:
    before:
      description: The hub before the task.
      returned: always
      type: dict
    after:
      description: The hub after the task.
      returned: always
      type: dict
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.stories1001.infra.plugins.module_utils._security import standard_arn
from ansible_collections.stories1001.infra.plugins.module_utils._security import standard_errors
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

# BatchEnableStandards and BatchDisableStandards take at most 25 at a time.
BATCH = 25
NOT_SUBSCRIBED = ["InvalidAccessException"]
ALREADY_SUBSCRIBED = ["ResourceConflictException"]


class SecurityHubFailure(Exception):
    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message = message
        self.exception = exception


def _call(what, func, **params):
    try:
        return func(aws_retry=True, **params)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise SecurityHubFailure(f"Failed to {what}", e) from e


def validation_errors(params, region):
    """Why the options would be refused, before any AWS call; [] when they would not."""
    errors = []
    for index, standard in enumerate(params.get("standards") or []):
        errors.extend(f"standards[{index}]: {problem}" for problem in standard_errors(standard, region))
    return errors


def normalize_hub(hub, subscriptions, tags):
    if not hub:
        return {}
    live = {item["StandardsArn"]: item.get("StandardsStatus") for item in subscriptions if item.get("StandardsStatus") != "DELETING"}
    return dict(
        hub_arn=hub.get("HubArn"),
        subscribed_at=hub.get("SubscribedAt"),
        auto_enable_controls=hub.get("AutoEnableControls"),
        control_finding_generator=hub.get("ControlFindingGenerator"),
        standards=sorted(live),
        standards_subscriptions=live,
        tags=tags,
    )


def describe_hub(client):
    try:
        return client.describe_hub(aws_retry=True)
    except is_boto3_error_code(NOT_SUBSCRIBED):
        return None
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
        raise SecurityHubFailure("Failed to describe the Security Hub hub", e) from e


def enabled_subscriptions(client):
    subscriptions, params = [], {}
    while True:
        page = _call("get the enabled standards", client.get_enabled_standards, **params)
        subscriptions.extend(page.get("StandardsSubscriptions") or [])
        if not page.get("NextToken"):
            return subscriptions
        params = dict(NextToken=page["NextToken"])


def read(client):
    """(normalized hub, raw subscriptions); ({}, []) when Security Hub is not enabled."""
    hub = describe_hub(client)
    if not hub:
        return {}, []
    subscriptions = enabled_subscriptions(client)
    tags = _call("list the hub's tags", client.list_tags_for_resource, ResourceArn=hub["HubArn"]).get("Tags") or {}
    return normalize_hub(hub, subscriptions, tags), subscriptions


def available_standards(client):
    standards, params = [], {}
    while True:
        page = _call("describe the standards", client.describe_standards, **params)
        standards.extend(item["StandardsArn"] for item in page.get("Standards") or [])
        if not page.get("NextToken"):
            return set(standards)
        params = dict(NextToken=page["NextToken"])


def enable_standards(client, arns):
    for start in range(0, len(arns), BATCH):
        requests = [dict(StandardsArn=arn) for arn in arns[start:start + BATCH]]
        _call("enable standards", client.batch_enable_standards, StandardsSubscriptionRequests=requests)


def disable_standards(client, subscription_arns):
    for start in range(0, len(subscription_arns), BATCH):
        _call("disable standards", client.batch_disable_standards, StandardsSubscriptionArns=subscription_arns[start:start + BATCH])


def ensure_present(client, module, region, before, subscriptions):
    """(changed, after, enabled standards ARNs, disabled standards ARNs)."""
    params = module.params
    wanted = None if params["standards"] is None else sorted({standard_arn(item, region) for item in params["standards"]})

    if not before:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        to_enable = list(wanted or [])
        if to_enable:
            unknown = sorted(set(to_enable) - available_standards(client))
            if unknown:
                raise SecurityHubFailure(f"Security Hub in {region} has no standard {', '.join(unknown)}")
        if module.check_mode:
            standards = sorted(to_enable)
            predicted = dict(standards=standards, standards_subscriptions={arn: "PENDING" for arn in standards}, tags=tags)
            return True, predicted, to_enable, []
        request = dict(EnableDefaultStandards=params["enable_default_standards"])
        if tags:
            request["Tags"] = without_reserved_tags(tags)
        try:
            client.enable_security_hub(aws_retry=True, **request)
        except is_boto3_error_code(ALREADY_SUBSCRIBED):
            module.warn(f"Security Hub was enabled in {region} by someone else meanwhile")
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            raise SecurityHubFailure(f"Failed to enable Security Hub in {region}", e) from e
        current, subscriptions = read(client)
        to_enable = sorted(set(to_enable) - set(current.get("standards") or []))
        to_disable = []
        if wanted is not None and params["purge_standards"]:
            to_disable = [item for item in subscriptions if item.get("StandardsStatus") != "DELETING" and item["StandardsArn"] not in wanted]
        if to_enable:
            enable_standards(client, to_enable)
        if to_disable:
            disable_standards(client, [item["StandardsSubscriptionArn"] for item in to_disable])
        after = read(client)[0] if (to_enable or to_disable) else current
        return True, after, sorted(after.get("standards") or []), sorted(item["StandardsArn"] for item in to_disable)

    live = [item for item in subscriptions if item.get("StandardsStatus") != "DELETING"]
    enabled = {item["StandardsArn"] for item in live}
    to_enable = sorted(set(wanted or []) - enabled)
    to_disable = [item for item in live if wanted is not None and params["purge_standards"] and item["StandardsArn"] not in wanted]
    if to_enable:
        unknown = sorted(set(to_enable) - available_standards(client))
        if unknown:
            raise SecurityHubFailure(f"Security Hub in {region} has no standard {', '.join(unknown)}")
    tags_to_set, tag_keys_to_unset, tags = plan_tags(before.get("tags"), params["tags"], params["purge_tags"])
    disabled = sorted(item["StandardsArn"] for item in to_disable)
    if not (to_enable or to_disable or tags_to_set or tag_keys_to_unset):
        return False, before, [], []
    if module.check_mode:
        statuses = {arn: status for arn, status in before["standards_subscriptions"].items() if arn not in disabled}
        statuses.update({arn: "PENDING" for arn in to_enable})
        return True, dict(before, standards=sorted(statuses), standards_subscriptions=statuses, tags=tags), to_enable, disabled

    if to_enable:
        enable_standards(client, to_enable)
    if to_disable:
        disable_standards(client, [item["StandardsSubscriptionArn"] for item in to_disable])
    if tag_keys_to_unset:
        _call("untag the hub", client.untag_resource, ResourceArn=before["hub_arn"], TagKeys=tag_keys_to_unset)
    if tags_to_set:
        _call("tag the hub", client.tag_resource, ResourceArn=before["hub_arn"], Tags=without_reserved_tags(tags_to_set))
    return True, read(client)[0], to_enable, disabled


def ensure_absent(client, module, before):
    if not before:
        return False
    if not module.check_mode:
        try:
            client.disable_security_hub(aws_retry=True)
        except is_boto3_error_code(NOT_SUBSCRIBED):
            return False
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
            raise SecurityHubFailure("Failed to disable Security Hub", e) from e
    return True


def main():
    argument_spec = dict(
        state=dict(choices=["present", "absent"], default="present"),
        enable_default_standards=dict(type="bool", default=False),
        standards=dict(type="list", elements="str"),
        purge_standards=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    errors = validation_errors(module.params, module.region)
    if errors:
        module.fail_json(msg="; ".join(errors))

    client = module.client("securityhub", retry_decorator=AWSRetry.jittered_backoff())
    region = client.meta.region_name
    before, enabled, disabled = {}, [], []
    try:
        before, subscriptions = read(client)
        if module.params["state"] == "present":
            changed, after, enabled, disabled = ensure_present(client, module, region, before, subscriptions)
        else:
            changed, after = ensure_absent(client, module, before), {}
            disabled = list(before.get("standards") or []) if changed else []
    except SecurityHubFailure as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.message, hub=before)
        module.fail_json(msg=e.message, hub=before)

    module.exit_json(changed=changed, hub=after, enabled_standards=enabled, disabled_standards=disabled, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()

# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CreateTags and DeleteTags for any EC2 resource (VPCs, flow logs, NAT gateways, ...).

Every function expects a client made with
``module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())``: calls pass ``aws_retry=True``.
Errors come out as ``AnsibleEC2Error``. Private to stories1001.infra.
"""

from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list


class EC2TagErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEC2Error


@EC2TagErrorHandler.common_error_handler("tag EC2 resource")
def tag_ec2_resource(client, resource_id, tags):
    if not tags:
        return False
    client.create_tags(Resources=[resource_id], Tags=ansible_dict_to_boto3_tag_list(tags), aws_retry=True)
    return True


@EC2TagErrorHandler.common_error_handler("untag EC2 resource")
def untag_ec2_resource(client, resource_id, tag_keys):
    if not tag_keys:
        return False
    # A tag given without a Value is deleted whatever its value.
    client.delete_tags(Resources=[resource_id], Tags=[{"Key": key} for key in tag_keys], aws_retry=True)
    return True


def update_ec2_tags(client, resource_id, tags_to_set, tag_keys_to_unset):
    """Apply the output of plan_tags()/compare_aws_tags(); returns whether anything was sent."""
    changed = untag_ec2_resource(client, resource_id, tag_keys_to_unset)
    changed |= tag_ec2_resource(client, resource_id, tags_to_set)
    return changed

# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""S3 bucket sub-resource calls and small shaping helpers shared by the collection's S3 modules.

Each call is wrapped once and fails with ``AnsibleS3Error``; reads return None when the bucket has no such
configuration. Every function expects a client made with
``module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))``: calls pass ``aws_retry=True``.
Private to stories1001.infra: the interface may change without notice.
"""

import functools

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# S3 answers throttling with SlowDown (503), which AWSRetry does not retry by itself.
RETRY_CODES = ["SlowDown"]
NO_SUCH_BUCKET = "NoSuchBucket"
NO_TIERING = "NoSuchConfiguration"
NO_REPLICATION = "ReplicationConfigurationNotFoundError"


class AnsibleS3Error(AnsibleAWSError):
    pass


def s3_call(description, missing_code=None):
    """Wrap an API call: None when AWS answers missing_code, AnsibleS3Error (saying what failed) on any other error."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(client, bucket, *args, **kwargs):
            try:
                return func(client, bucket, *args, **kwargs)
            except is_boto3_error_code(NO_SUCH_BUCKET) as e:
                raise AnsibleS3Error(message=f"Failed to {description}: bucket {bucket} does not exist", exception=e) from e
            except is_boto3_error_code(missing_code or "-") as e:  # pylint: disable=duplicate-except
                return None
            except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:  # pylint: disable=duplicate-except
                raise AnsibleS3Error(message=f"Failed to {description} of bucket {bucket}", exception=e) from e

        return wrapper

    return decorator


@s3_call("get bucket versioning")
def get_versioning_status(client, bucket):
    """The bucket's versioning status: Enabled, Suspended, or None when versioning was never turned on."""
    return client.get_bucket_versioning(Bucket=bucket, aws_retry=True).get("Status")


def filter_to_aws(prefix, tags, single_tag_key="Tag"):
    """An S3 filter (intelligent tiering or replication) from a prefix and tags: Prefix, one Tag, or And of both."""
    prefix = prefix or ""
    tag_list = ansible_dict_to_boto3_tag_list(tags or {})
    if not tag_list:
        return {"Prefix": prefix}
    if len(tag_list) == 1 and not prefix:
        return {single_tag_key: tag_list[0]}
    both = {"Tags": tag_list}
    if prefix:
        both = {"Prefix": prefix, "Tags": tag_list}
    return {"And": both}


def filter_from_aws(aws_filter):
    """{prefix, tags} from an S3 filter as AWS answers it (Prefix, Tag or And; None or {} for every object)."""
    aws_filter = aws_filter or {}
    both = aws_filter.get("And") or {}
    tag_list = list(both.get("Tags") or [])
    if aws_filter.get("Tag"):
        tag_list.append(aws_filter["Tag"])
    prefix = aws_filter.get("Prefix") or both.get("Prefix") or ""
    return {"prefix": prefix, "tags": boto3_tag_list_to_ansible_dict(tag_list)}


def wanted_filter(option):
    """{prefix, tags} from a filter option (a dict with prefix and tags, or None), tag values as strings."""
    option = option or {}
    return {"prefix": option.get("prefix") or "", "tags": {str(key): str(value) for key, value in (option.get("tags") or {}).items()}}

"""WAFv2 logging configurations checked and listed as AWS does; patches.py lists the patches below in ``PATCHES``.

PutLoggingConfiguration is refused, as on AWS, for a web ACL that does not exist, for more than one destination and
for a destination whose name does not start with ``aws-waf-logs-``; ListLoggingConfigurations tells CLOUDFRONT
(``global``) web ACLs from REGIONAL ones by the scope in their ARN.

Not reproduced: AWS also checks that it may write to the destination (WAFLogDestinationPermissionIssueException) and
adds a resource policy to a CloudWatch Logs log group or S3 bucket; the emulator neither checks that the destination
exists nor changes its policy.
"""

import functools
import json
import re

from moto.core.exceptions import JsonRESTError

# https://docs.aws.amazon.com/waf/latest/APIReference/API_PutLoggingConfiguration.html: "The name that you give the
# destination must start with aws-waf-logs-" (a CloudWatch Logs log group, an S3 bucket or a Firehose stream).
DESTINATION_PREFIX = "aws-waf-logs-"
# The destination's own name in each kind of destination ARN.
_DESTINATION_NAME = (
    re.compile(r"^arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:log-group:(?P<name>[^:]+)(:\*)?$"),
    re.compile(r"^arn:[a-z-]+:s3:::(?P<name>[^/]+)(/.*)?$"),
    re.compile(r"^arn:[a-z-]+:firehose:[a-z0-9-]+:\d{12}:deliverystream/(?P<name>.+)$"),
)


class WAFInvalidParameterException(JsonRESTError):
    """https://docs.aws.amazon.com/waf/latest/APIReference/API_PutLoggingConfiguration.html#API_PutLoggingConfiguration_Errors"""

    code = 400

    def __init__(self, field: str, parameter: str, reason: str) -> None:
        super().__init__(
            "WAFInvalidParameterException",
            f"The operation failed because AWS WAF didn't recognize a parameter in the request. Field: {field}, Parameter: {parameter}, Reason: {reason}",
        )
        body = json.loads(self.description)
        body.update(Field=field, Parameter=parameter, Reason=reason)
        self.description = json.dumps(body)


def destination_name(arn: str):
    """The name of the log group, bucket or Firehose stream that ``arn`` names, or None for another kind of ARN."""
    for pattern in _DESTINATION_NAME:
        match = pattern.match(arn)
        if match:
            return match.group("name")
    return None


def web_acl_scope(arn: str):
    """``global`` (CLOUDFRONT) or ``regional`` for a web ACL ARN, else None."""
    match = re.match(r"^arn:[a-z-]+:wafv2:[a-z0-9-]+:\d{12}:(?P<scope>global|regional)/webacl/", arn)
    return match.group("scope") if match else None


def wafv2_put_logging_configuration_checks() -> None:
    """PutLoggingConfiguration needs an existing web ACL and one destination whose name starts with ``aws-waf-logs-``.

    AWS (https://docs.aws.amazon.com/waf/latest/APIReference/API_PutLoggingConfiguration.html and
    .../API_LoggingConfiguration.html): "You can define one logging destination per web ACL"; "The name that you give
    the destination must start with aws-waf-logs-"; WAFNonexistentItemException when the resource does not exist. The
    API reference names WAFInvalidParameterException for a parameter WAF does not accept, and that is the answer given
    here to a second destination or a misnamed one (the exact Field/Reason AWS fills in is not documented). The
    logging configuration of a CLOUDFRONT web ACL is managed in us-east-1, where the web ACL is.
    moto: stores any configuration under any ResourceArn, with any number of destinations of any name, so a module
    or role mistake that AWS refuses passes against the emulator.
    """
    from moto.wafv2.exceptions import WAFNonexistentItemException
    from moto.wafv2.models import GLOBAL_REGION, US_EAST_1_REGION, WAFV2Backend, wafv2_backends

    original = WAFV2Backend.put_logging_configuration

    def web_acl_exists(backend, arn):
        # moto keeps CLOUDFRONT web ACLs in its "global" backend, and their logging configurations (asked in us-east-1,
        # as on AWS) in the us-east-1 one.
        if web_acl_scope(arn) == "global":
            return backend.region_name == US_EAST_1_REGION and arn in wafv2_backends[backend.account_id][GLOBAL_REGION].wacls
        return arn in backend.wacls

    @functools.wraps(original)
    def put_logging_configuration(self, arn, log_destination_configs, redacted_fields, managed_gy_firewall_manager, logging_filter):
        if not web_acl_exists(self, arn):
            raise WAFNonexistentItemException()
        if len(log_destination_configs or []) != 1:
            raise WAFInvalidParameterException("LOG_DESTINATION", str(len(log_destination_configs or [])), "A web ACL has exactly one logging destination")
        name = destination_name(log_destination_configs[0])
        if name is None or not name.startswith(DESTINATION_PREFIX):
            raise WAFInvalidParameterException("LOG_DESTINATION", log_destination_configs[0], f"The destination name must start with {DESTINATION_PREFIX}")
        return original(self, arn, log_destination_configs, redacted_fields, managed_gy_firewall_manager, logging_filter)

    WAFV2Backend.put_logging_configuration = put_logging_configuration


def wafv2_list_logging_configurations_scope() -> None:
    """ListLoggingConfigurations lists the configurations of the web ACLs of the Scope asked for.

    AWS (https://docs.aws.amazon.com/waf/latest/APIReference/API_ListLoggingConfigurations.html): Scope CLOUDFRONT lists
    those of CloudFront web ACLs (ARN ``arn:aws:wafv2:us-east-1:ACCOUNT:global/webacl/...``, asked in us-east-1),
    REGIONAL those of the Region's regional web ACLs (``...:REGION:ACCOUNT:regional/webacl/...``).
    moto: looks for ``:global:`` in the ARN, which no ARN has, so CLOUDFRONT lists nothing; for REGIONAL it looks for
    ``:REGION:``, so in us-east-1 it also lists the CloudFront web ACLs' configurations.
    """
    from moto.utilities.paginator import paginate
    from moto.wafv2.models import PAGINATION_MODEL, WAFV2Backend

    @paginate(PAGINATION_MODEL)
    def list_logging_configurations(self, scope):
        wanted = "global" if scope == "CLOUDFRONT" else "regional"
        return [item for arn, item in self.logging_configurations.items() if web_acl_scope(arn) == wanted]

    WAFV2Backend.list_logging_configurations = list_logging_configurations

#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_distribution
version_added: 0.1.0
short_description: Manage a CloudFront distribution with custom and S3 origins, S3 through origin access control
description:
  - Create, update, tag, disable and delete a CloudFront web distribution. Unlike C(community.aws.cloudfront_distribution)
    it can put an origin access control (OAC, see M(stories1001.infra.cloudfront_origin_access_control)) on an S3 origin,
    and a re-run with the same options changes nothing.
  - B(Identity.) The distribution is the one whose C(Comment) equals O(name); the module sets the comment to O(name).
    Tags play no part in finding it. Two distributions with that comment fail the task.
  - The module builds the whole C(DistributionConfig) from the options, with the values AWS fills in for what they do not
    set, and compares it with C(GetDistributionConfig). Quantity/Items wrappers are ignored, the order of aliases, methods,
    headers, cookie names, TLS protocols and countries does not matter, the caller reference is not compared, and fields that
    AWS returns but the module does not manage are left as they are. Only when something differs does the module send
    C(UpdateDistribution) with the ETag it read in C(IfMatch). A new distribution is made with C(CreateDistributionWithTags).
  - The certificate region, the TTL order and the country codes are checked before any AWS call.
author:
  - 1001 Stories platform team (@1001stories)
options:
  name:
    description:
      - The distribution's comment, by which the module finds it, such as V(1001-stories-production). At most 128 characters.
    type: str
    required: true
  state:
    description:
      - Whether the distribution should exist.
      - V(absent) disables the distribution (when enabled), waits until AWS has deployed that (whatever O(wait) says), then
        deletes it with its current ETag. B(This can take a long time), often 15 minutes or more on AWS; set O(wait_timeout)
        accordingly.
    type: str
    choices: ["present", "absent"]
    default: present
  aliases:
    description: Alternate domain names (CNAMEs) of the distribution. They need O(certificate_arn) covering them.
    type: list
    elements: str
    default: []
  certificate_arn:
    description:
      - ARN of the ACM certificate the distribution serves to viewers. It must be in V(us-east-1), which is checked before any
        AWS call.
      - Without it the distribution uses CloudFront's own C(*.cloudfront.net) certificate, and AWS then sets the TLS
        version and the SSL support method itself (O(minimum_protocol_version) and O(ssl_support_method) are not used).
    type: str
  minimum_protocol_version:
    description: The oldest TLS version viewers may use, with O(certificate_arn).
    type: str
    choices: ["TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025", "TLSv1.2_2025"]
    default: TLSv1.2_2021
  ssl_support_method:
    description: How CloudFront serves HTTPS with O(certificate_arn). V(vip) costs extra; V(static-ip) needs AWS's approval.
    type: str
    choices: ["sni-only", "vip", "static-ip"]
    default: sni-only
  http_version:
    description: The highest HTTP version viewers may use.
    type: str
    choices: ["http1.1", "http2", "http3", "http2and3"]
    default: http2and3
  ipv6:
    description: Whether CloudFront answers on IPv6 (C(IsIPV6Enabled)).
    type: bool
    default: true
  price_class:
    description: The edge locations used.
    type: str
    choices: ["PriceClass_100", "PriceClass_200", "PriceClass_All"]
    default: PriceClass_All
  default_root_object:
    description: The object returned for a request of the root URL, such as V(index.html). Empty for none.
    type: str
    default: ""
  web_acl_id:
    description: The ARN of a global (CLOUDFRONT scope) WAFv2 web ACL. Empty for none.
    type: str
    default: ""
  logging:
    description: Standard (legacy) access logs to an S3 bucket. Not given means logging off.
    type: dict
    suboptions:
      bucket:
        description: The bucket's domain name, such as V(logs-bucket.s3.amazonaws.com).
        type: str
        required: true
      prefix:
        description: Prefix of the log object names.
        type: str
        default: ""
      include_cookies:
        description: Whether cookies are logged.
        type: bool
        default: false
  geo_restriction:
    description: Which countries may or may not be served.
    type: dict
    suboptions:
      type:
        description: V(whitelist) serves only O(geo_restriction.locations), V(blacklist) all but them.
        type: str
        choices: ["none", "whitelist", "blacklist"]
        default: none
      locations:
        description:
          - ISO 3166-1 alpha-2 country codes in upper case, such as V(US) or V(KE). Each is checked against the full list of
            codes before any AWS call.
        type: list
        elements: str
        default: []
  origins:
    description: The origins. Required with O(state=present).
    type: list
    elements: dict
    suboptions:
      id:
        description: The origin's id, unique in the distribution, named by the behaviours' C(target_origin_id).
        type: str
        required: true
      domain_name:
        description: The origin's DNS name, such as an ALB's or V(bucket.s3.us-east-1.amazonaws.com).
        type: str
        required: true
      origin_path:
        description: A path CloudFront puts before the request path, such as V(/production). Empty for none.
        type: str
        default: ""
      kind:
        description:
          - V(custom) (an ALB or any web server, sent as C(CustomOriginConfig)) or V(s3) (a bucket's REST endpoint, sent as
            C(S3OriginConfig) with no origin access identity).
        type: str
        choices: ["custom", "s3"]
        default: custom
      origin_access_control_id:
        description: The id of the origin access control CloudFront signs requests to an S3 origin with.
        type: str
      http_port:
        description: HTTP port of a custom origin.
        type: int
        default: 80
      https_port:
        description: HTTPS port of a custom origin.
        type: int
        default: 443
      origin_protocol_policy:
        description: How CloudFront talks to a custom origin.
        type: str
        choices: ["http-only", "match-viewer", "https-only"]
        default: https-only
      origin_ssl_protocols:
        description: The TLS versions CloudFront may use with a custom origin.
        type: list
        elements: str
        choices: ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]
        default: ["TLSv1.2"]
      origin_read_timeout:
        description: Seconds CloudFront waits for a custom origin's response (1 to 60, more on request to AWS).
        type: int
        default: 30
      origin_keepalive_timeout:
        description: Seconds CloudFront keeps an idle connection to a custom origin (1 to 60).
        type: int
        default: 5
      connection_attempts:
        description: How many times CloudFront tries to connect (1 to 3).
        type: int
        default: 3
      connection_timeout:
        description: Seconds CloudFront waits for a connection (1 to 10).
        type: int
        default: 10
      custom_headers:
        description: Headers CloudFront adds to every request to the origin, name to value.
        type: dict
        default: {}
  default_cache_behavior:
    description:
      - How requests that no O(cache_behaviors) pattern matches are served. Required with O(state=present).
      - Either the policy form (O(default_cache_behavior.cache_policy_id), optionally O(default_cache_behavior.origin_request_policy_id))
        or the legacy form (O(default_cache_behavior.min_ttl), O(default_cache_behavior.default_ttl),
        O(default_cache_behavior.max_ttl), O(default_cache_behavior.forwarded_values)). When no cache policy is given the legacy
        form is used, with AWS's TTLs 0, 86400 and 31536000 for those not given; they must be in order min <= default <= max.
    type: dict
    suboptions:
      target_origin_id:
        description: The id of the origin the requests go to.
        type: str
        required: true
      viewer_protocol_policy:
        description: What viewers may use.
        type: str
        choices: ["allow-all", "https-only", "redirect-to-https"]
        default: redirect-to-https
      allowed_methods:
        description: V([GET, HEAD]), V([GET, HEAD, OPTIONS]) or all seven (adding PUT, POST, PATCH, DELETE). Order does not matter.
        type: list
        elements: str
        choices: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
        default: ["GET", "HEAD"]
      cached_methods:
        description: V([GET, HEAD]) or V([GET, HEAD, OPTIONS]), within the allowed methods.
        type: list
        elements: str
        choices: ["GET", "HEAD", "OPTIONS"]
        default: ["GET", "HEAD"]
      compress:
        description: Whether CloudFront compresses objects for viewers that accept it.
        type: bool
        default: false
      cache_policy_id:
        description: The id of a cache policy (such as AWS's C(Managed-CachingDisabled), V(4135ea2d-6df8-44a3-9df3-4b5a84be39ad)).
        type: str
      origin_request_policy_id:
        description: The id of an origin request policy; needs a cache policy.
        type: str
      response_headers_policy_id:
        description: The id of a response headers policy.
        type: str
      min_ttl:
        description: Legacy form. The least seconds objects stay cached.
        type: int
      default_ttl:
        description: Legacy form. Seconds objects stay cached when the origin does not say.
        type: int
      max_ttl:
        description: Legacy form. The most seconds objects stay cached.
        type: int
      forwarded_values:
        description: Legacy form. What of the request is forwarded to the origin and is part of the cache key.
        type: dict
        suboptions:
          query_string:
            description: Whether the query string is forwarded.
            type: bool
            default: false
          headers:
            description: Headers forwarded (V(*) for all).
            type: list
            elements: str
            default: []
          cookies:
            description: Which cookies are forwarded.
            type: str
            choices: ["none", "all", "whitelist"]
            default: none
          cookie_names:
            description: The cookies forwarded with O(default_cache_behavior.forwarded_values.cookies=whitelist).
            type: list
            elements: str
            default: []
  cache_behaviors:
    description: Behaviours for path patterns, in order of precedence. Each takes the options of O(default_cache_behavior) and a path pattern.
    type: list
    elements: dict
    default: []
    suboptions:
      path_pattern:
        description: The path pattern, such as V(/api/*).
        type: str
        required: true
      target_origin_id:
        description: The id of the origin the requests go to.
        type: str
        required: true
      viewer_protocol_policy:
        description: What viewers may use.
        type: str
        choices: ["allow-all", "https-only", "redirect-to-https"]
        default: redirect-to-https
      allowed_methods:
        description: V([GET, HEAD]), V([GET, HEAD, OPTIONS]) or all seven (adding PUT, POST, PATCH, DELETE). Order does not matter.
        type: list
        elements: str
        choices: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
        default: ["GET", "HEAD"]
      cached_methods:
        description: V([GET, HEAD]) or V([GET, HEAD, OPTIONS]), within the allowed methods.
        type: list
        elements: str
        choices: ["GET", "HEAD", "OPTIONS"]
        default: ["GET", "HEAD"]
      compress:
        description: Whether CloudFront compresses objects for viewers that accept it.
        type: bool
        default: false
      cache_policy_id:
        description: The id of a cache policy.
        type: str
      origin_request_policy_id:
        description: The id of an origin request policy; needs a cache policy.
        type: str
      response_headers_policy_id:
        description: The id of a response headers policy.
        type: str
      min_ttl:
        description: Legacy form. The least seconds objects stay cached.
        type: int
      default_ttl:
        description: Legacy form. Seconds objects stay cached when the origin does not say.
        type: int
      max_ttl:
        description: Legacy form. The most seconds objects stay cached.
        type: int
      forwarded_values:
        description: Legacy form. What of the request is forwarded to the origin and is part of the cache key.
        type: dict
        suboptions:
          query_string:
            description: Whether the query string is forwarded.
            type: bool
            default: false
          headers:
            description: Headers forwarded (V(*) for all).
            type: list
            elements: str
            default: []
          cookies:
            description: Which cookies are forwarded.
            type: str
            choices: ["none", "all", "whitelist"]
            default: none
          cookie_names:
            description: The cookies forwarded with O(cache_behaviors[].forwarded_values.cookies=whitelist).
            type: list
            elements: str
            default: []
  custom_error_responses:
    description: Error pages.
    type: list
    elements: dict
    default: []
    suboptions:
      error_code:
        description: The HTTP status code from the origin, such as V(404).
        type: int
        required: true
      response_page_path:
        description: The page served instead, such as V(/404.html).
        type: str
      response_code:
        description: The status code sent with that page; the error code when not given.
        type: int
      error_caching_min_ttl:
        description: Seconds the error is cached.
        type: int
  enabled:
    description: Whether the distribution serves requests.
    type: bool
    default: true
  wait:
    description: Wait until AWS reports the distribution C(Deployed) after a create or an update.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for C(Deployed) (with O(wait), and always with O(state=absent)).
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two reads of the distribution's status while waiting.
    type: int
    default: 30
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and the distribution config that would result, without modifying anything.
    support: full
  diff_mode:
    description: Returns the comparable distribution config and the tags before and after the change in RV(diff).
    support: full
  idempotent:
    description: When run twice in a row outside check mode with the same arguments, the second run reports no change and writes nothing.
    support: full
  action_group:
    description: Use C(group/stories1001.infra.aws) in C(module_defaults) to set the AWS connection options for this module.
    support: full
    membership:
      - stories1001.infra.aws
notes:
  - CloudFront is a global service; the module's calls go to its endpoint whatever O(region) is.
  - The S3 bucket behind an origin access control needs a bucket policy allowing C(cloudfront.amazonaws.com) with the
    distribution's ARN as C(AWS:SourceArn); this module does not write it.
  - Fields of the config that no option manages (origin groups, function associations...) are kept as AWS has them on an
    update; per origin and per behaviour, the module's values replace AWS's.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: 1001 Stories CDN in front of the ALB, and of the content bucket through an origin access control
  stories1001.infra.cloudfront_distribution:
    name: 1001-stories-production
    aliases: [www.1001stories.org]
    certificate_arn: arn:aws:acm:us-east-1:123456789012:certificate/1c6d0a1e-4f1b-4c0e-9d0c-0a1b2c3d4e5f
    web_acl_id: arn:aws:wafv2:us-east-1:123456789012:global/webacl/stories-cdn/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
    logging:
      bucket: stories-logs.s3.amazonaws.com
      prefix: cloudfront/
    geo_restriction:
      type: blacklist
      locations: [KP]
    origins:
      - id: alb
        domain_name: stories-production-123456789.us-east-1.elb.amazonaws.com
        custom_headers:
          X-Origin-Verify: "{{ origin_verify_secret }}"
      - id: books
        kind: s3
        domain_name: stories-books.s3.us-east-1.amazonaws.com
        origin_access_control_id: "{{ oac.origin_access_control.id }}"
    default_cache_behavior:
      target_origin_id: alb
      allowed_methods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]
      cache_policy_id: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad  # Managed-CachingDisabled
      origin_request_policy_id: 216adef6-5c7f-47e4-b989-5492eafa07d3  # Managed-AllViewer
    cache_behaviors:
      - path_pattern: /books/*
        target_origin_id: books
        min_ttl: 86400
        default_ttl: 86400
        max_ttl: 31536000
        compress: true
    custom_error_responses:
      - error_code: 404
        response_page_path: /404.html
        error_caching_min_ttl: 60
    tags:
      Project: stories1001
      Environment: production
    wait: true
  register: cdn

- name: Remove a distribution (disables it first and waits, which takes a while)
  stories1001.infra.cloudfront_distribution:
    name: 1001-stories-staging
    state: absent
    wait_timeout: 3600
"""

RETURN = r"""
distribution:
  description: The distribution after the task (in check mode, as it would be; a new one then has only its config); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: The distribution's id.
      returned: when it exists
      type: str
      sample: E2QWRUHAPOMQZL
    arn:
      description: The distribution's ARN.
      returned: when it exists
      type: str
      sample: arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL
    domain_name:
      description: The distribution's C(cloudfront.net) name, for DNS aliases.
      returned: when it exists
      type: str
      sample: d111111abcdef8.cloudfront.net
    status:
      description: V(InProgress) or V(Deployed).
      returned: when it exists
      type: str
      sample: Deployed
    e_tag:
      description: The config's current ETag.
      returned: when it exists
      type: str
      sample: E2QWRUHEXAMPLE
    last_modified_time:
      description: When the distribution last changed.
      returned: when it exists
      type: str
    distribution_config:
      description: The distribution config (as sent or as AWS returned it), in snake case.
      returned: when present
      type: dict
    tags:
      description: The distribution's tags.
      returned: when present
      type: dict
      sample: {"Project": "stories1001"}
changed_fields:
  description: Paths in the config that differ from what the options ask for (empty when nothing does or for a new distribution).
  returned: always
  type: list
  elements: str
  sample: ["CacheBehaviors.Items[1].DefaultTTL"]
diff:
  description: The comparable config (Quantity dropped, caller reference left out) and the tags, before and after.
  returned: always
  type: dict
  contains:
    before:
      description: Before the task.
      returned: always
      type: dict
    after:
      description: After the task.
      returned: always
      type: dict
"""

import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import DEPLOYED
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import build_distribution_config
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import differences
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import distribution_errors
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import matches
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import merged_config
from ansible_collections.stories1001.infra.plugins.module_utils._cloudfront import normalize
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import plan_tags
from ansible_collections.stories1001.infra.plugins.module_utils._tagging import without_reserved_tags

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
FORWARDED_VALUES = dict(
    query_string=dict(type="bool", default=False),
    headers=dict(type="list", elements="str", default=[]),
    cookies=dict(type="str", choices=["none", "all", "whitelist"], default="none"),
    cookie_names=dict(type="list", elements="str", default=[]),
)
BEHAVIOUR = dict(
    target_origin_id=dict(type="str", required=True),
    viewer_protocol_policy=dict(type="str", choices=["allow-all", "https-only", "redirect-to-https"], default="redirect-to-https"),
    allowed_methods=dict(type="list", elements="str", choices=METHODS, default=["GET", "HEAD"]),
    cached_methods=dict(type="list", elements="str", choices=METHODS[:3], default=["GET", "HEAD"]),
    compress=dict(type="bool", default=False),
    cache_policy_id=dict(type="str"),
    origin_request_policy_id=dict(type="str"),
    response_headers_policy_id=dict(type="str"),
    min_ttl=dict(type="int"),
    default_ttl=dict(type="int"),
    max_ttl=dict(type="int"),
    forwarded_values=dict(type="dict", options=FORWARDED_VALUES),
)


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        aliases=dict(type="list", elements="str", default=[]),
        certificate_arn=dict(type="str"),
        minimum_protocol_version=dict(
            type="str",
            choices=["TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025", "TLSv1.2_2025"],
            default="TLSv1.2_2021",
        ),
        ssl_support_method=dict(type="str", choices=["sni-only", "vip", "static-ip"], default="sni-only"),
        http_version=dict(type="str", choices=["http1.1", "http2", "http3", "http2and3"], default="http2and3"),
        ipv6=dict(type="bool", default=True),
        price_class=dict(type="str", choices=["PriceClass_100", "PriceClass_200", "PriceClass_All"], default="PriceClass_All"),
        default_root_object=dict(type="str", default=""),
        web_acl_id=dict(type="str", default=""),
        logging=dict(
            type="dict",
            options=dict(
                bucket=dict(type="str", required=True),
                prefix=dict(type="str", default=""),
                include_cookies=dict(type="bool", default=False),
            ),
        ),
        geo_restriction=dict(
            type="dict",
            options=dict(
                type=dict(type="str", choices=["none", "whitelist", "blacklist"], default="none"),
                locations=dict(type="list", elements="str", default=[]),
            ),
        ),
        origins=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str", required=True),
                domain_name=dict(type="str", required=True),
                origin_path=dict(type="str", default=""),
                kind=dict(type="str", choices=["custom", "s3"], default="custom"),
                origin_access_control_id=dict(type="str"),
                http_port=dict(type="int", default=80),
                https_port=dict(type="int", default=443),
                origin_protocol_policy=dict(type="str", choices=["http-only", "match-viewer", "https-only"], default="https-only"),
                origin_ssl_protocols=dict(type="list", elements="str", choices=["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"], default=["TLSv1.2"]),
                origin_read_timeout=dict(type="int", default=30),
                origin_keepalive_timeout=dict(type="int", default=5),
                connection_attempts=dict(type="int", default=3),
                connection_timeout=dict(type="int", default=10),
                custom_headers=dict(type="dict", default={}),
            ),
        ),
        default_cache_behavior=dict(type="dict", options=BEHAVIOUR),
        cache_behaviors=dict(type="list", elements="dict", default=[], options=dict(BEHAVIOUR, path_pattern=dict(type="str", required=True))),
        custom_error_responses=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                error_code=dict(type="int", required=True),
                response_page_path=dict(type="str"),
                response_code=dict(type="int"),
                error_caching_min_ttl=dict(type="int"),
            ),
        ),
        enabled=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=30),
    )


# --- API calls (every one with aws_retry=True) ----------------------------------------------------------


def find_distribution(client, name):
    """The DistributionSummary whose Comment is name, or None; every page is read (by hand, so each is retried)."""
    found, params = [], {}
    while True:
        listing = client.list_distributions(aws_retry=True, **params).get("DistributionList") or {}
        found.extend(item for item in listing.get("Items") or [] if item.get("Comment") == name)
        if not listing.get("IsTruncated") or not listing.get("NextMarker"):
            break
        params = {"Marker": listing["NextMarker"]}
    if len(found) > 1:
        raise ValueError(f"{len(found)} distributions have the comment {name!r} ({', '.join(item['Id'] for item in found)}); the module needs exactly one")
    return found[0] if found else None


def list_tags(client, arn):
    return boto3_tag_list_to_ansible_dict((client.list_tags_for_resource(Resource=arn, aws_retry=True).get("Tags") or {}).get("Items") or [])


def wait_deployed(module, client, distribution_id):
    """GetDistribution until Deployed; returns the last answer (its ETag is the current one)."""
    deadline = time.monotonic() + module.params["wait_timeout"]
    while True:
        answer = client.get_distribution(Id=distribution_id, aws_retry=True)
        if answer["Distribution"]["Status"] == DEPLOYED:
            return answer
        if time.monotonic() >= deadline:
            module.fail_json(
                msg=f"distribution {distribution_id} was not Deployed after {module.params['wait_timeout']} seconds (status {answer['Distribution']['Status']})"
            )
        time.sleep(module.params["wait_delay"])


def update_tags(client, arn, tags_to_set, tag_keys_to_unset):
    if tags_to_set:
        client.tag_resource(Resource=arn, Tags={"Items": ansible_dict_to_boto3_tag_list(tags_to_set)}, aws_retry=True)
    if tag_keys_to_unset:
        client.untag_resource(Resource=arn, TagKeys={"Items": list(tag_keys_to_unset)}, aws_retry=True)


# --- result shaping ------------------------------------------------------------------------------------


def shown(distribution, etag=None, config=None, tags=None):
    """The distribution result: Distribution or DistributionSummary fields in snake case, the config and tags."""
    result = {}
    if distribution:
        for key in ("Id", "ARN", "DomainName", "Status", "LastModifiedTime"):
            if key in distribution:
                result[key] = distribution[key]
    if etag:
        result["ETag"] = etag
    result = camel_dict_to_snake_dict(normalize_boto3_result(result))
    if config is not None:
        result["distribution_config"] = camel_dict_to_snake_dict(normalize_boto3_result(config))
    if tags is not None:
        result["tags"] = tags
    return result


def ensure_absent(module, client, summary):
    if summary is None:
        return dict(changed=False, distribution={}, changed_fields=[], diff=dict(before={}, after={}))
    answer = client.get_distribution_config(Id=summary["Id"], aws_retry=True)
    config, etag = answer["DistributionConfig"], answer["ETag"]
    diff = dict(before=dict(distribution_config=normalize(config)), after={})
    if not module.check_mode:
        if config.get("Enabled"):
            etag = client.update_distribution(Id=summary["Id"], IfMatch=etag, DistributionConfig=dict(config, Enabled=False), aws_retry=True)["ETag"]
        etag = wait_deployed(module, client, summary["Id"])["ETag"]
        client.delete_distribution(Id=summary["Id"], IfMatch=etag, aws_retry=True)
    return dict(changed=True, distribution={}, changed_fields=[], diff=diff)


def ensure_present(module, client, summary):
    params = module.params
    wanted_tags = without_reserved_tags(params["tags"]) if params["tags"] is not None else None
    if summary is None:
        config = build_distribution_config(params, f"{params['name']}-{time.time_ns()}")
        tags = plan_tags({}, wanted_tags, params["purge_tags"])[2]
        diff = dict(before={}, after=dict(distribution_config=normalize(config), tags=tags))
        if module.check_mode:
            return dict(changed=True, distribution=shown(None, config=config, tags=tags), changed_fields=[], diff=diff)
        answer = client.create_distribution_with_tags(
            DistributionConfigWithTags={"DistributionConfig": config, "Tags": {"Items": ansible_dict_to_boto3_tag_list(tags)}}, aws_retry=True
        )
        distribution, etag = answer["Distribution"], answer["ETag"]
        if params["wait"]:
            answer = wait_deployed(module, client, distribution["Id"])
            distribution, etag = answer["Distribution"], answer["ETag"]
        return dict(changed=True, distribution=shown(distribution, etag, distribution.get("DistributionConfig", config), tags), changed_fields=[], diff=diff)

    answer = client.get_distribution_config(Id=summary["Id"], aws_retry=True)
    current, etag = answer["DistributionConfig"], answer["ETag"]
    current_tags = list_tags(client, summary["ARN"])
    wanted = build_distribution_config(params, current["CallerReference"])
    config_changed = not matches(normalize(wanted), normalize(current))
    changed_fields = differences(normalize(wanted), normalize(current)) if config_changed else []
    tags_to_set, tag_keys_to_unset, tags = plan_tags(current_tags, wanted_tags, params["purge_tags"])
    config = merged_config(current, wanted) if config_changed else current
    changed = config_changed or bool(tags_to_set or tag_keys_to_unset)
    diff = dict(
        before=dict(distribution_config=normalize(current), tags=current_tags),
        after=dict(distribution_config=normalize(config), tags=tags),
    )
    distribution = summary
    if changed and not module.check_mode:
        if config_changed:
            answer = client.update_distribution(Id=summary["Id"], IfMatch=etag, DistributionConfig=config, aws_retry=True)
            distribution, etag = answer["Distribution"], answer["ETag"]
            config = distribution.get("DistributionConfig", config)
        update_tags(client, summary["ARN"], tags_to_set, tag_keys_to_unset)
        if params["wait"] and config_changed:
            answer = wait_deployed(module, client, summary["Id"])
            distribution, etag = answer["Distribution"], answer["ETag"]
    return dict(changed=changed, distribution=shown(distribution, etag, config, tags), changed_fields=changed_fields, diff=diff)


def main():
    module = AnsibleAWSModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_if=[("state", "present", ["origins", "default_cache_behavior"])],
    )
    errors = distribution_errors(module.params)
    if errors:
        module.fail_json(msg="Invalid options: " + "; ".join(errors), errors=errors)
    client = module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())
    try:
        summary = find_distribution(client, module.params["name"])
        if module.params["state"] == "absent":
            result = ensure_absent(module, client, summary)
        else:
            result = ensure_present(module, client, summary)
    except ValueError as e:
        module.fail_json(msg=str(e))
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg=f"CloudFront distribution {module.params['name']}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()

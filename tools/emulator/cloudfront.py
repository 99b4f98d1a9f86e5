"""CloudFront distributions and origin access controls kept as AWS keeps them; patches.py lists the patches below in ``PATCHES``.

moto 5.2.5 rebuilds a distribution's config from its own model classes, which drop or change what was sent: the
``OriginAccessControlId`` and ``S3OriginConfig`` of an origin, the viewer certificate (always reported as CloudFront's
default one), ``OriginRequestPolicyId``/``ResponseHeadersPolicyId`` of the default cache behaviour; it adds the legacy
``ForwardedValues`` and zero TTLs to a behaviour that uses a cache policy and turns ``Compress`` on when it was not
sent. Here each distribution keeps the config as it was sent, with the defaults AWS fills in
(``aws_kept_config``), and GetDistribution, GetDistributionConfig, Create/UpdateDistribution and ListDistributions
answer from it. moto's own model objects are still built (acm.py and moto's tagging read them).
"""

import copy
import functools

from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion, NoSuchDistribution
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random

# States of a distribution (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Distribution.html).
IN_PROGRESS = "InProgress"
DEPLOYED = "Deployed"
# Keys of a cache behaviour that only the legacy (TTL and ForwardedValues) form has.
LEGACY_CACHE_KEYS = ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL")


class PreconditionFailed(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("PreconditionFailed", "The precondition given in one or more of the request-header fields evaluated to false.")


class IllegalUpdate(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("IllegalUpdate", message)


class DistributionNotDisabled(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.")


class InvalidTTLOrder(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("InvalidTTLOrder", "The TTL order specified is not valid.")


class InvalidOriginAccessControl(CloudFrontException):
    def __init__(self, control_id: str) -> None:
        super().__init__("InvalidOriginAccessControl", f"The origin access control {control_id} does not exist.")


class IllegalOriginAccessConfiguration(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "IllegalOriginAccessConfiguration", "An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI)."
        )


class OriginAccessControlAlreadyExists(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__("OriginAccessControlAlreadyExists", f"An origin access control with name {name} already exists.")


class OriginAccessControlInUse(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("OriginAccessControlInUse", "Cannot delete this origin access control because it's in use by one or more origins.")


def _new_etag() -> str:
    return "E" + "".join(random.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=12))


def _list(wrapper: dict | None, **defaults) -> dict:
    """A Quantity/Items wrapper as AWS returns it: Quantity counted, Items left out when there are none."""
    wrapper = dict(defaults, **(wrapper or {}))
    items = list(wrapper.pop("Items", None) or [])
    wrapper["Quantity"] = len(items)
    if items:
        wrapper["Items"] = items
    return wrapper


def _origin(origin: dict) -> dict:
    kept = dict(origin)
    kept.setdefault("OriginPath", "")
    kept["CustomHeaders"] = _list(kept.get("CustomHeaders"))
    kept.setdefault("ConnectionAttempts", 3)
    kept.setdefault("ConnectionTimeout", 10)
    kept.setdefault("OriginShield", {"Enabled": False})
    kept.setdefault("OriginAccessControlId", "")
    if "S3OriginConfig" in kept:
        kept["S3OriginConfig"] = dict({"OriginAccessIdentity": ""}, **kept["S3OriginConfig"])
    if "CustomOriginConfig" in kept:
        custom = dict({"OriginReadTimeout": 30, "OriginKeepaliveTimeout": 5}, **kept["CustomOriginConfig"])
        # The shape needs Items; when none are sent, TLSv1.2 (CloudFront's console default) is assumed.
        custom["OriginSslProtocols"] = _list(custom.get("OriginSslProtocols") or {"Items": ["TLSv1.2"]})
        kept["CustomOriginConfig"] = custom
    return kept


def _behaviour(behaviour: dict) -> dict:
    kept = dict(behaviour)
    kept["TrustedSigners"] = _list(kept.get("TrustedSigners"), Enabled=False)
    kept["TrustedKeyGroups"] = _list(kept.get("TrustedKeyGroups"), Enabled=False)
    methods = dict(kept.get("AllowedMethods") or {"Items": ["HEAD", "GET"]})
    methods["CachedMethods"] = _list(methods.get("CachedMethods") or {"Items": ["HEAD", "GET"]})
    kept["AllowedMethods"] = _list(methods)
    kept.setdefault("SmoothStreaming", False)
    kept.setdefault("Compress", False)
    kept["LambdaFunctionAssociations"] = _list(kept.get("LambdaFunctionAssociations"))
    kept["FunctionAssociations"] = _list(kept.get("FunctionAssociations"))
    kept.setdefault("FieldLevelEncryptionId", "")
    if "ForwardedValues" in kept:
        forwarded = dict(kept["ForwardedValues"])
        cookies = dict(forwarded.get("Cookies") or {"Forward": "none"})
        if "WhitelistedNames" in cookies:
            cookies["WhitelistedNames"] = _list(cookies["WhitelistedNames"])
        forwarded["Cookies"] = cookies
        forwarded["Headers"] = _list(forwarded.get("Headers"))
        forwarded["QueryStringCacheKeys"] = _list(forwarded.get("QueryStringCacheKeys"))
        kept["ForwardedValues"] = forwarded
        kept.setdefault("MinTTL", 0)
        kept.setdefault("DefaultTTL", 86400)
        kept.setdefault("MaxTTL", 31536000)
    return kept


def _viewer_certificate(certificate: dict | None) -> dict:
    certificate = dict(certificate or {})
    if certificate.get("ACMCertificateArn"):
        arn = certificate["ACMCertificateArn"]
        return {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": arn,
            "SSLSupportMethod": certificate.get("SSLSupportMethod") or "sni-only",
            "MinimumProtocolVersion": certificate.get("MinimumProtocolVersion") or "TLSv1",
            "Certificate": arn,
            "CertificateSource": "acm",
        }
    if certificate.get("IAMCertificateId"):
        return dict(certificate, CloudFrontDefaultCertificate=False, Certificate=certificate["IAMCertificateId"], CertificateSource="iam")
    # With CloudFront's own certificate AWS reports vip and TLSv1, whatever was asked for.
    return {"CloudFrontDefaultCertificate": True, "SSLSupportMethod": "vip", "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"}


def aws_kept_config(sent: dict) -> dict:
    """The DistributionConfig that GetDistributionConfig returns for the one sent: what was sent, with AWS's defaults.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html (and the types it links)
    gives the defaults: no aliases, origin groups, behaviours or error pages; logging off; PriceClass_All; http2;
    IPv6 off unless asked; 3 connection attempts of 10 s; origin shield off; Compress and SmoothStreaming off; for the
    legacy cache settings MinTTL 0, DefaultTTL 86400, MaxTTL 31536000; no geo restriction.
    """
    sent = copy.deepcopy(sent)
    kept = {"CallerReference": sent.get("CallerReference")}
    kept["Aliases"] = _list(sent.get("Aliases"))
    kept["DefaultRootObject"] = sent.get("DefaultRootObject") or ""
    origins = [_origin(origin) for origin in (sent.get("Origins") or {}).get("Items") or []]
    kept["Origins"] = {"Quantity": len(origins), "Items": origins}
    kept["OriginGroups"] = _list(sent.get("OriginGroups"))
    kept["DefaultCacheBehavior"] = _behaviour(sent.get("DefaultCacheBehavior") or {})
    kept["CacheBehaviors"] = _list({"Items": [_behaviour(item) for item in (sent.get("CacheBehaviors") or {}).get("Items") or []]})
    kept["CustomErrorResponses"] = _list(sent.get("CustomErrorResponses"))
    kept["Comment"] = sent.get("Comment") or ""
    logging = sent.get("Logging") or {}
    kept["Logging"] = {
        "Enabled": bool(logging.get("Enabled")),
        "IncludeCookies": bool(logging.get("IncludeCookies")),
        "Bucket": logging.get("Bucket") or "",
        "Prefix": logging.get("Prefix") or "",
    }
    kept["PriceClass"] = sent.get("PriceClass") or "PriceClass_All"
    kept["Enabled"] = bool(sent.get("Enabled"))
    kept["ViewerCertificate"] = _viewer_certificate(sent.get("ViewerCertificate"))
    geo = (sent.get("Restrictions") or {}).get("GeoRestriction") or {"RestrictionType": "none"}
    kept["Restrictions"] = {"GeoRestriction": _list(geo)}
    kept["WebACLId"] = sent.get("WebACLId") or ""
    kept["HttpVersion"] = sent.get("HttpVersion") or "http2"
    kept["IsIPV6Enabled"] = bool(sent.get("IsIPV6Enabled"))
    kept["ContinuousDeploymentPolicyId"] = sent.get("ContinuousDeploymentPolicyId") or ""
    kept["Staging"] = bool(sent.get("Staging"))
    for key, value in sent.items():
        kept.setdefault(key, value)
    return kept


def _check_config(backend, config: dict) -> None:
    """What AWS refuses that moto lets through: TTLs out of order, an unknown OAC, an OAC beside an OAI."""
    behaviours = [config.get("DefaultCacheBehavior") or {}] + list((config.get("CacheBehaviors") or {}).get("Items") or [])
    for behaviour in behaviours:
        if "MinTTL" in behaviour or "ForwardedValues" in behaviour:
            low, default, high = behaviour.get("MinTTL", 0), behaviour.get("DefaultTTL", 86400), behaviour.get("MaxTTL", 31536000)
            if not int(low) <= int(default) <= int(high):
                raise InvalidTTLOrder()
    for origin in (config.get("Origins") or {}).get("Items") or []:
        control_id = origin.get("OriginAccessControlId")
        if not control_id:
            continue
        if control_id not in backend.origin_access_controls:
            raise InvalidOriginAccessControl(control_id)
        if (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity"):
            raise IllegalOriginAccessConfiguration()


def _check_if_match(if_match: str | None, etag: str) -> None:
    if not if_match:
        raise InvalidIfMatchVersion()
    if if_match != etag:
        raise PreconditionFailed()


def kept_config(distribution) -> dict:
    """The config a distribution keeps (moto's own, for a distribution made before the patches ran)."""
    return getattr(distribution, "kept_config", None) or {}


def distribution_view(distribution) -> dict:
    """A Distribution as AWS returns it (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Distribution.html)."""
    return {
        "Id": distribution.distribution_id,
        "ARN": distribution.arn,
        "Status": distribution.status,
        "LastModifiedTime": distribution.last_modified_time,
        "InProgressInvalidationBatches": 0,
        "DomainName": distribution.domain_name,
        "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
        "ActiveTrustedKeyGroups": {"Enabled": False, "Quantity": 0},
        "DistributionConfig": kept_config(distribution),
    }


def summary_view(distribution) -> dict:
    """A DistributionSummary (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionSummary.html)."""
    config = kept_config(distribution)
    summary = {
        "Id": distribution.distribution_id,
        "ARN": distribution.arn,
        "ETag": distribution.etag,
        "Status": distribution.status,
        "LastModifiedTime": distribution.last_modified_time,
        "DomainName": distribution.domain_name,
    }
    for key in (
        "Aliases",
        "Origins",
        "OriginGroups",
        "DefaultCacheBehavior",
        "CacheBehaviors",
        "CustomErrorResponses",
        "Comment",
        "PriceClass",
        "Enabled",
        "ViewerCertificate",
        "Restrictions",
        "WebACLId",
        "HttpVersion",
        "IsIPV6Enabled",
        "Staging",
    ):
        summary[key] = config.get(key)
    return summary


def _oac_view(control) -> dict:
    return {
        "Id": control.id,
        "OriginAccessControlConfig": {
            "Name": control.name,
            "Description": control.description or "",
            "SigningProtocol": control.signing_protocol,
            "SigningBehavior": control.signing_behavior,
            "OriginAccessControlOriginType": control.origin_type,
        },
    }


def cloudfront_distribution_config_as_sent() -> None:
    """GetDistributionConfig returns the DistributionConfig that was sent, with AWS's defaults; updates follow AWS's rules.

    AWS (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionConfig.html,
    .../API_UpdateDistribution.html, .../API_DeleteDistribution.html,
    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html):
    a distribution keeps every field it was sent, among them an origin's OriginAccessControlId and S3OriginConfig, the
    ACM viewer certificate, HttpVersion http2and3, logging, geo restriction, WebACLId and each cache behaviour with its
    TTLs or its policy ids; UpdateDistribution needs the current ETag in IfMatch (PreconditionFailed otherwise, missing:
    InvalidIfMatchVersion), keeps the CallerReference (IllegalUpdate), gives a new ETag and puts the distribution back
    InProgress until deployed; DeleteDistribution needs the current ETag and a disabled, deployed distribution
    (DistributionNotDisabled); TTLs out of order are InvalidTTLOrder; an origin naming an OAC that does not exist, or
    both an OAC and an OAI, is refused.
    moto: rebuilds the config from its model, dropping OriginAccessControlId and S3OriginConfig, reporting the
    CloudFront default certificate beside an ACM one, adding ForwardedValues and zero TTLs to policy-based behaviours and
    Compress true when not sent; ignores IfMatch, keeps one ETag for ever, stays Deployed after an update and deletes an
    enabled distribution.
    """
    from moto.cloudfront.models import CloudFrontBackend
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult

    original_create = CloudFrontBackend.create_distribution_with_tags
    original_update = CloudFrontBackend.update_distribution

    @functools.wraps(original_create)
    def create_distribution_with_tags(self, distribution_config, tags):
        _check_config(self, distribution_config)
        kept = aws_kept_config(distribution_config)
        distribution, location, etag = original_create(self, copy.deepcopy(distribution_config), tags)
        distribution.kept_config = kept
        distribution.last_modified_time = utcnow()
        return distribution, location, etag

    @functools.wraps(original_update)
    def update_distribution(self, dist_config, _id, if_match):
        if _id not in self.distributions:
            raise NoSuchDistribution()
        distribution = self.distributions[_id]
        _check_if_match(if_match, distribution.etag)
        current = kept_config(distribution)
        if current and dist_config.get("CallerReference") != current.get("CallerReference"):
            raise IllegalUpdate("The CallerReference of a distribution cannot be changed.")
        _check_config(self, dist_config)
        kept = aws_kept_config(dist_config)
        original_update(self, copy.deepcopy(dist_config), _id, if_match)
        distribution.kept_config = kept
        distribution.etag = _new_etag()
        distribution.status = IN_PROGRESS
        distribution._tick = 0  # pylint: disable=protected-access
        distribution.last_modified_time = utcnow()
        return distribution, distribution.location, distribution.etag

    def delete_distribution(self, distribution_id, if_match):
        if distribution_id not in self.distributions:
            raise NoSuchDistribution()
        distribution = self.distributions[distribution_id]
        _check_if_match(if_match, distribution.etag)
        if kept_config(distribution).get("Enabled") or distribution.status != DEPLOYED:
            raise DistributionNotDisabled()
        del self.distributions[distribution_id]
        self.tagger.delete_all_tags_for_resource(distribution.arn)

    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags
    CloudFrontBackend.update_distribution = update_distribution
    CloudFrontBackend.delete_distribution = delete_distribution

    def written(self, distribution, location, etag):
        return ActionResult({"Distribution": distribution_view(distribution), "ETag": etag, "Location": location})

    def create_distribution(self):
        config = self._get_param("DistributionConfig", {})
        return written(self, *self.backend.create_distribution(distribution_config=config, tags=[]))

    def create_distribution_with_tags_response(self):
        config = self._get_param("DistributionConfigWithTags.DistributionConfig", {})
        tags = self._get_param("DistributionConfigWithTags.Tags.Items", [])
        return written(self, *self.backend.create_distribution(distribution_config=config, tags=tags))

    def update_distribution_response(self):
        result = self.backend.update_distribution(
            dist_config=self._get_param("DistributionConfig", {}), _id=self._get_param("Id"), if_match=self._get_param("IfMatch")
        )
        return written(self, *result)

    def get_distribution(self):
        distribution, etag = self.backend.get_distribution(self._get_param("Id"))
        return ActionResult({"Distribution": distribution_view(distribution), "ETag": etag})

    def get_distribution_config(self):
        distribution, etag = self.backend.get_distribution(self._get_param("Id"))
        return ActionResult({"DistributionConfig": kept_config(distribution), "ETag": etag})

    def list_distributions(self):
        marker = self._get_param("Marker")
        max_items = self._get_int_param("MaxItems")
        distributions, next_marker = self.backend.list_distributions(marker=marker, max_items=max_items)
        listing = {
            "Marker": marker or "",
            "MaxItems": max_items or 100,
            "IsTruncated": next_marker is not None,
            "Quantity": len(distributions),
        }
        if next_marker is not None:
            listing["NextMarker"] = next_marker
        if distributions:
            listing["Items"] = [summary_view(distribution) for distribution in distributions]
        return ActionResult({"DistributionList": listing})

    CloudFrontResponse.create_distribution = create_distribution
    CloudFrontResponse.create_distribution_with_tags = create_distribution_with_tags_response
    CloudFrontResponse.update_distribution = update_distribution_response
    CloudFrontResponse.get_distribution = get_distribution
    CloudFrontResponse.get_distribution_config = get_distribution_config
    CloudFrontResponse.list_distributions = list_distributions


def cloudfront_origin_access_controls() -> None:
    """Origin access controls have unique names, ETags that change on update, and IfMatch and in-use checks.

    AWS (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html,
    .../API_UpdateOriginAccessControl.html, .../API_DeleteOriginAccessControl.html,
    .../API_GetOriginAccessControlConfig.html): a second OAC of the same name is OriginAccessControlAlreadyExists;
    update and delete need the current ETag in IfMatch (PreconditionFailed, or InvalidIfMatchVersion when missing);
    an update gives a new ETag; each summary listed has a Description (required in OriginAccessControlSummary); an OAC
    that an origin of a distribution names cannot be deleted (OriginAccessControlInUse); an unknown id is
    NoSuchOriginAccessControl; GetOriginAccessControlConfig exists.
    moto: takes duplicate names, ignores IfMatch, keeps one ETag for ever, deletes an OAC in use, answers an unknown id
    on delete with an HTTP 500 (KeyError), lists an OAC made without a description without one, does not page
    ListOriginAccessControls by Marker/MaxItems and has no GetOriginAccessControlConfig.
    """
    from moto.cloudfront.models import CloudFrontBackend
    from moto.cloudfront.responses import CloudFrontResponse
    from moto.core.responses import ActionResult, EmptyResult

    original_create = CloudFrontBackend.create_origin_access_control
    original_update = CloudFrontBackend.update_origin_access_control

    def named(backend, name, other_than=None):
        return any(control.name == name and control.id != other_than for control in backend.origin_access_controls.values())

    @functools.wraps(original_create)
    def create_origin_access_control(self, config_dict):
        if named(self, config_dict.get("Name")):
            raise OriginAccessControlAlreadyExists(config_dict.get("Name"))
        return original_create(self, config_dict)

    def update_origin_access_control(self, control_id, config, if_match=None):
        control = self.get_origin_access_control(control_id)
        _check_if_match(if_match, control.etag)
        if "Name" in config and named(self, config["Name"], other_than=control_id):
            raise OriginAccessControlAlreadyExists(config["Name"])
        original_update(self, control_id, config)
        control.etag = _new_etag()
        return control

    def delete_origin_access_control(self, control_id, if_match=None):
        control = self.get_origin_access_control(control_id)
        _check_if_match(if_match, control.etag)
        for distribution in self.distributions.values():
            origins = (kept_config(distribution).get("Origins") or {}).get("Items") or []
            if any(origin.get("OriginAccessControlId") == control_id for origin in origins):
                raise OriginAccessControlInUse()
        del self.origin_access_controls[control_id]

    CloudFrontBackend.create_origin_access_control = create_origin_access_control
    CloudFrontBackend.update_origin_access_control = update_origin_access_control
    CloudFrontBackend.delete_origin_access_control = delete_origin_access_control

    def control_response(self, control):
        return ActionResult({"OriginAccessControl": _oac_view(control), "ETag": control.etag})

    def create_response(self):
        return control_response(self, self.backend.create_origin_access_control(self._get_param("OriginAccessControlConfig", {})))

    def get_response(self):
        return control_response(self, self.backend.get_origin_access_control(self._get_param("Id")))

    def get_config_response(self):
        control = self.backend.get_origin_access_control(self._get_param("Id"))
        return ActionResult({"OriginAccessControlConfig": _oac_view(control)["OriginAccessControlConfig"], "ETag": control.etag})

    def update_response(self):
        control = self.backend.update_origin_access_control(
            self._get_param("Id"), self._get_param("OriginAccessControlConfig", {}), if_match=self._get_param("IfMatch")
        )
        return control_response(self, control)

    def delete_response(self):
        self.backend.delete_origin_access_control(self._get_param("Id"), if_match=self._get_param("IfMatch"))
        return EmptyResult()

    def list_response(self):
        marker = self._get_param("Marker")
        max_items = self._get_int_param("MaxItems")
        controls, next_marker = self.backend.list_origin_access_controls(marker=marker, max_items=max_items)
        listing = {"Marker": marker or "", "MaxItems": max_items or 100, "IsTruncated": next_marker is not None, "Quantity": len(controls)}
        if next_marker is not None:
            listing["NextMarker"] = next_marker
        if controls:
            listing["Items"] = [dict(_oac_view(control)["OriginAccessControlConfig"], Id=control.id) for control in controls]
        return ActionResult({"OriginAccessControlList": listing})

    CloudFrontResponse.list_origin_access_controls = list_response
    CloudFrontResponse.create_origin_access_control = create_response
    CloudFrontResponse.get_origin_access_control = get_response
    CloudFrontResponse.get_origin_access_control_config = get_config_response
    CloudFrontResponse.update_origin_access_control = update_response
    CloudFrontResponse.delete_origin_access_control = delete_response

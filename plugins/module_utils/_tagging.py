# -*- coding: utf-8 -*-

# Copyright: Contributors to the stories1001.infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tag planning shared by the collection's modules, whatever the service.

Private to stories1001.infra: the interface may change without notice.
"""

from ansible.module_utils._text import to_native

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def plan_tags(current_tags, tags, purge_tags=True):
    """Work out the tag changes that bring a resource to the requested tags.

    :param current_tags: dict of the tags the resource has now (None for a new resource).
    :param tags: dict of requested tags; None means "leave the tags alone".
    :param purge_tags: remove tags that are not requested (never the reserved aws: ones).
    :return: (tags_to_set, tag_keys_to_unset, resulting_tags); resulting_tags holds the
        values as AWS will report them, that is as strings.
    """
    current_tags = dict(current_tags or {})
    if tags is None:
        return {}, [], current_tags

    tags_to_set, tag_keys_to_unset = compare_aws_tags(current_tags, tags, purge_tags)
    # compare_aws_tags walks a set: keep the caller's order so that requests are reproducible.
    tags_to_set = {key: value for key, value in tags.items() if key in tags_to_set}
    resulting_tags = {key: value for key, value in current_tags.items() if key not in tag_keys_to_unset}
    resulting_tags.update({key: to_native(value) for key, value in tags_to_set.items()})
    return tags_to_set, sorted(tag_keys_to_unset), resulting_tags


def without_reserved_tags(tags):
    """Drop aws:-prefixed tags, which AWS sets itself and refuses in a create call."""
    return {key: value for key, value in (tags or {}).items() if not key.startswith("aws:")}

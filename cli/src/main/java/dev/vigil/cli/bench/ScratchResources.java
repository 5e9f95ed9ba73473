package dev.vigil.cli.bench;

import java.util.List;

/**
 * The scratch topics, consumer groups and Elasticsearch indices a {@link Ceilings} run created, as they are just
 * before they are deleted.
 */
record ScratchResources(List<String> topics, List<String> groups, List<String> indices, String indexTemplate) {}

package dev.vigil.cli;

/** Every container image the tests use, pinned in one place. */
final class ContainerImages {
    static final String KAFKA = "apache/kafka:4.3.1";
    static final String ELASTICSEARCH = "docker.elastic.co/elasticsearch/elasticsearch:9.5.3";

    private ContainerImages() {}
}

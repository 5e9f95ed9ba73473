package org.elasticsearch.node;

import java.util.Collection;
import java.util.List;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

/**
 * An Elasticsearch node whose plugins are classes on the classpath rather than a distribution's modules/ and plugins/
 * folders. It lives in {@code org.elasticsearch.node} because the constructor path taking a {@link NodeServiceProvider}
 * is package-private; this is the path Elasticsearch's own test MockNode takes.
 */
public final class VigilEmbeddedNode extends Node {

    public VigilEmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> classpathPlugins) {
        super(NodeConstruction.prepareConstruction(
                environment, null, new ClasspathPluginsServiceProvider(List.copyOf(classpathPlugins)), true));
    }

    /**
     * Sets a process-wide SetOnce (node and cluster id for log lines); a second node in the same JVM, such as a
     * restart in a test, would fail on it.
     */
    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {}

    private static final class ClasspathPluginsServiceProvider extends NodeServiceProvider {
        private final List<Class<? extends Plugin>> plugins;

        ClasspathPluginsServiceProvider(List<Class<? extends Plugin>> plugins) {
            this.plugins = plugins;
        }

        @Override
        PluginsService newPluginService(Environment environment, PluginsLoader pluginsLoader) {
            return new ClasspathPluginsService(environment.settings(), environment, plugins);
        }
    }
}

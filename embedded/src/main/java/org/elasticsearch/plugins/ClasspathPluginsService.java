package org.elasticsearch.plugins;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.spi.SPIClassIterator;

/**
 * A {@link PluginsService} whose plugins are classes on the application class path, instead of bundles under a
 * distribution's modules/ and plugins/ folders. It lives in {@code org.elasticsearch.plugins} for the package-private
 * plugin and extension factories.
 *
 * <p>Written for the embedded node instead of depending on {@code org.elasticsearch.test:framework} (whose
 * MockPluginsService does the same): that jar also carries a {@code log4j2-test.properties}, which log4j2 prefers to
 * any application's {@code log4j2.xml} in every JVM that has it on the class path.
 *
 * <p>All plugins share one class loader, so a service provider listed under {@code META-INF/services} is created once,
 * for the plugin its constructor asks for (or the first plugin when it takes none), not once per plugin.
 */
public final class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(
            Settings settings, Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        super(settings, environment.configDir(), new PluginsLoader(Set.of(), Set.of(), Map.of()));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            Plugin plugin = loadPlugin(pluginClass, settings, environment.configDir());
            PluginDescriptor descriptor = new PluginDescriptor(
                    pluginClass.getName(),
                    "classpath plugin",
                    "NA",
                    Build.current().version(),
                    Integer.toString(Runtime.version().feature()),
                    pluginClass.getName(),
                    null,
                    List.of(),
                    false,
                    false,
                    false,
                    false,
                    PluginDescriptor.DeploymentTarget.ALL);
            loaded.add(new LoadedPlugin(descriptor, plugin, pluginClass.getClassLoader()));
        }
        this.classpathPlugins = List.copyOf(loaded);
        for (LoadedPlugin loadedPlugin : classpathPlugins) {
            if (loadedPlugin.instance() instanceof ExtensiblePlugin extensible) {
                extensible.loadExtensions(new ExtensiblePlugin.ExtensionLoader() {
                    @Override
                    public <T> List<T> loadExtensions(Class<T> extensionPointType) {
                        return List.copyOf(loadServiceProviders(extensionPointType));
                    }
                });
            }
        }
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return new PluginsAndModules(
                classpathPlugins.stream()
                        .map(LoadedPlugin::descriptor)
                        .map(PluginRuntimeInfo::new)
                        .toList(),
                List.of());
    }

    @Override
    public <T> List<? extends T> loadServiceProviders(Class<T> service) {
        if (classpathPlugins.isEmpty()) {
            return List.of();
        }
        List<T> providers = new ArrayList<>();
        SPIClassIterator<T> classes = SPIClassIterator.get(
                service, classpathPlugins.get(0).instance().getClass().getClassLoader());
        while (classes.hasNext()) {
            Class<? extends T> providerClass = classes.next();
            Plugin owner = owner(providerClass);
            if (owner != null) {
                providers.add(createExtension(providerClass, service, owner));
            }
        }
        return List.copyOf(providers);
    }

    /** The plugin a provider's one-argument constructor asks for; null if that plugin is not loaded. */
    private Plugin owner(Class<?> providerClass) {
        for (Constructor<?> constructor : providerClass.getConstructors()) {
            if (constructor.getParameterCount() == 1) {
                Class<?> wanted = constructor.getParameterTypes()[0];
                return classpathPlugins.stream()
                        .map(LoadedPlugin::instance)
                        .filter(wanted::isInstance)
                        .findFirst()
                        .orElse(null);
            }
        }
        return classpathPlugins.get(0).instance();
    }
}

package dev.vigil.cli;

import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Role;
import dev.vigil.common.config.Config;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code vigil keys create --tenant T --role R[,R]}: mints a key, stores its hash, prints it once.
 * {@code vigil keys signing ...} is the checkpoint signing key ({@link SigningKeysCommand}).
 */
final class KeysCommand implements Command {

    /** Same as the audit API's AdminEndpoints.PLATFORM_TENANT (docs/adr/0008-roles-and-tenants.md). */
    static final String PLATFORM_TENANT = "vigil";

    private final CliArgs args;
    private final PrintStream out;

    KeysCommand(CliArgs args, PrintStream out) {
        this.args = args;
        this.out = out;
    }

    @Override
    public int run() {
        if (!args.positional().isEmpty() && args.positional().get(0).equals("signing")) {
            return new SigningKeysCommand(args, out).run();
        }
        if (args.positional().isEmpty() || !args.positional().get(0).equals("create")) {
            throw new CliArgs.UsageException("usage: vigil keys create --tenant T --role R[,R...]\n   or: "
                    + SigningKeysCommand.USAGE.substring("usage: ".length()));
        }
        String tenant = args.option("tenant").orElseThrow(() -> new CliArgs.UsageException("--tenant is required"));
        String roleList = args.option("role").orElseThrow(() -> new CliArgs.UsageException("--role is required"));
        Set<Role> roles;
        try {
            roles = Arrays.stream(roleList.split(","))
                    .map(r -> Role.valueOf(r.trim().toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toSet());
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException("--role takes publisher, auditor, officer, admin; got '" + roleList + "'");
        }
        if (!ApiKeys.isValidTenant(tenant)) {
            throw new CliArgs.UsageException("--tenant must be lowercase letters, digits, '.', '_' or '-'");
        }
        Config config = args.resolve(CliConfig.FIELDS, Map.of());
        Path file = CliConfig.apiKeysFile(config);
        if (tenant.equals(PLATFORM_TENANT) && !roles.equals(Set.of(Role.ADMIN))) {
            throw new CliArgs.UsageException("tenant '" + PLATFORM_TENANT
                    + "' is the platform admins' tenant: its keys carry --role admin only");
        }
        // Under the store's lock, so a key minted through the audit API at the same moment is kept too.
        ApiKeys.Minted minted = ApiKeys.watching(file)
                .change(keys ->
                        keys.mint(tenant, roles, args.option("description").orElse("")));
        out.println(minted.key());
        return 0;
    }
}

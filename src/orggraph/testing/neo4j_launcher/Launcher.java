// A throw-away Neo4j Community server for orggraph's tests (orggraph.testing.Neo4jTestServer).
//
// Usage: java -cp <classpath> Launcher.java <home directory> <neo4j.conf> [<password file>]
//
// Runs the Neo4j DBMS embedded (org.neo4j:neo4j, the Community edition) with the settings of
// <neo4j.conf> (written by Neo4jTestServer: Bolt on 127.0.0.1 and a free port, small memory).
// The store lives in <home directory>, so a server killed hard and launched again on the same
// directory finds its data (the crash-recovery tests do that). With a password file, the user
// "neo4j" gets that password (read from the file, never from the command line). Prints one line
// "ORGGRAPH-NEO4J-READY <version>" on stdout when Bolt accepts connections, and shuts down
// cleanly when stdin closes (the parent went away) or on SIGTERM.
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.Version;

public class Launcher {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // also stops the DBMS threads (shutdown hook)
        }
    }

    private static boolean samePassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("Old password and new password cannot be the same")) {
                return true;
            }
        }
        return false;
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher <home> <neo4j.conf> [<password file>]");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        Path conf = Path.of(args[1]);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            done.countDown();
        }));
        if (args.length > 2) {
            String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
            GraphDatabaseService system = dbms.database("system");
            try {
                system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            } catch (RuntimeException e) {
                if (!samePassword(e)) { // a restart on the same store: the password is already set
                    throw e;
                }
            }
        }
        // the default database must be up before anyone connects
        dbms.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("ORGGRAPH-NEO4J-READY " + Version.getNeo4jVersion());
        System.out.flush();
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // ignore input; wait for end of file
                }
            } catch (Exception ignored) {
                // stdin broken: the parent is gone
            }
            System.exit(0); // runs the shutdown hook
        }, "orggraph-stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        done.await();
    }
}

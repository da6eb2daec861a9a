package dev.quiver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every public method and constructor of the API, called with {@code null} in each reference parameter in turn (the
 * others valid), by reflection so a method added later is covered too: the answer is a {@link QuiverException}
 * subclass whose message names the parameter (or a documented meaning of null), never a NullPointerException or
 * another untyped error, and the database is unchanged.
 */
class NullArgumentTest {

    @TempDir
    Path tmp;

    private static final int DIM = 3;

    /** Parameters where null has a documented meaning (no exception expected): "Class.method#index". */
    private static final Set<String> NULL_ALLOWED = Set.of(
            "Database.add#2", "Database.upsert#2", "Database.update#1", "Database.update#2",
            "Database.addMany#2", "Database.upsertMany#2", "Database.contains#0",
            "AsyncDatabase.add#2", "AsyncDatabase.upsert#2", "AsyncDatabase.update#1", "AsyncDatabase.update#2",
            "AsyncDatabase.addMany#2", "AsyncDatabase.upsertMany#2", "AsyncDatabase.contains#0",
            "AsyncDatabase.wrap#1", "AsyncDatabase.open#2",
            "Filter.eq#1", "Filter.ne#1", "SearchParams.filter#0", "SearchParams.<init>#2", "SearchParams.<init>#3",
            "VectorRecord.<init>#2", "SearchResult.<init>#2", "Filter$Eq.<init>#1", "Filter$Ne.<init>#1");

    /** Methods not about arguments (Object's, records' accessors) or with no reference parameter are skipped. */
    private static boolean covered(Executable e) {
        return Modifier.isPublic(e.getModifiers())
                && Arrays.stream(e.getParameterTypes()).anyMatch(t -> !t.isPrimitive())
                && !(e instanceof Method m && (m.getName().equals("equals") || m.getDeclaringClass() == Object.class
                        // the compiler's Enum.valueOf(String): Metric.parse is the API's name lookup
                        || m.getDeclaringClass().isEnum() && m.getName().equals("valueOf")));
    }

    private Object valid(Class<?> type, Parameter p, Path dir) throws Exception {
        if (type == String.class) {
            return p.getName().toLowerCase().contains("json") ? "{}" : "a";
        }
        if (type == float[].class) {
            return new float[] {1, 2, 3};
        }
        if (type == float[][].class) {
            return new float[][] {{1, 2, 3}};
        }
        if (type == List.class || type == Collection.class) {
            return p.getParameterizedType().getTypeName().contains("Map") ? Arrays.asList((Object) null)
                    : List.of("fresh");
        }
        if (type == Map.class) {
            return Map.of("k", 1);
        }
        if (type == SearchParams.class) {
            return SearchParams.k(2);
        }
        if (type == Filter.class) {
            return Filter.all();
        }
        if (type == Filter[].class) {
            return new Filter[] {Filter.all()};
        }
        if (type == Object[].class) {
            return new Object[] {"v"};
        }
        if (type == Object.class) {
            return "v";
        }
        if (type == Path.class) {
            return dir.resolve("file-" + System.nanoTime());
        }
        if (type == Config.class) {
            return Config.dim(DIM);
        }
        if (type == Metric.class) {
            return Metric.COSINE;
        }
        if (type == Durability.class) {
            return Durability.DEFAULT;
        }
        if (type == Executor.class) {
            return (Executor) Runnable::run;
        }
        if (type == Database.class) {
            return Database.open(dir.resolve("wrapped-" + System.nanoTime()), Config.dim(DIM));
        }
        if (type == Float.class) {
            return 0.5f;
        }
        if (type == Filter.Op.class) {
            return Filter.Op.GT;
        }
        if (type == int.class) {
            return 2;
        }
        if (type == long.class) {
            return 2L;
        }
        if (type == double.class) {
            return 0.5;
        }
        if (type == float.class) {
            return 0.5f;
        }
        if (type == boolean.class) {
            return false;
        }
        throw new AssertionError("no valid value for " + type + " (" + p + "): extend the test");
    }

    @Test
    void nullInEveryReferenceParameterIsATypedErrorAndChangesNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        int calls = 0;
        Path root = Files.createDirectories(tmp.resolve("root"));
        List<Class<?>> api = List.of(Database.class, AsyncDatabase.class, Client.class, Filter.class,
                SearchParams.class, Config.class, Metric.class, Filter.Eq.class, Filter.Ne.class, Filter.In.class,
                Filter.Nin.class, Filter.Range.class, Filter.Exists.class, Filter.And.class, Filter.Or.class,
                Filter.Not.class);
        for (Class<?> type : api) {
            List<Executable> members = new ArrayList<>(Arrays.asList(type.getDeclaredMethods()));
            members.addAll(Arrays.asList(type.getDeclaredConstructors()));
            members.sort(Comparator.comparing(Executable::toString));
            for (Executable member : members) {
                if (!covered(member)) {
                    continue;
                }
                Class<?>[] types = member.getParameterTypes();
                for (int nullAt = 0; nullAt < types.length; nullAt++) {
                    if (types[nullAt].isPrimitive()) {
                        continue;
                    }
                    String key = type.getSimpleName().replace("Filter.", "Filter$") + "."
                            + (member instanceof Constructor ? "<init>" : member.getName()) + "#" + nullAt;
                    key = (type.getEnclosingClass() != null ? type.getEnclosingClass().getSimpleName() + "$" : "")
                            + key.substring(key.indexOf(type.getSimpleName()));
                    String problem = callWithNull(type, member, nullAt, root.resolve("c" + calls++),
                            NULL_ALLOWED.contains(key));
                    if (problem != null) {
                        failures.add(key + " " + member + ": " + problem);
                    }
                }
            }
        }
        assertTrue(calls > 120, "only " + calls + " calls: the reflection found too little");
        assertEquals(List.of(), failures, failures.size() + " of " + calls + " null arguments are not typed errors");
    }

    /** Null for parameter {@code nullAt}; returns what is wrong, or null when the answer is right. */
    private String callWithNull(Class<?> type, Executable member, int nullAt, Path dir, boolean nullAllowed)
            throws Exception {
        Files.createDirectories(dir);
        Database db = Database.open(dir.resolve("db"), Config.dim(DIM));
        db.add("a", new float[] {1, 0, 0}, Map.of("k", 1));
        String before = db.ids() + " " + db.get("a");
        Object target = null;
        AsyncDatabase async = null;
        Client client = null;
        if (!Modifier.isStatic(member.getModifiers()) && member instanceof Method) {
            if (type == Database.class) {
                target = db;
            } else if (type == AsyncDatabase.class) {
                async = AsyncDatabase.wrap(db, Runnable::run);
                target = async;
            } else if (type == Client.class) {
                client = new Client(dir.resolve("client"));
                client.createCollection("a", DIM).close();
                target = client;
            } else if (type == SearchParams.class) {
                target = SearchParams.k(2);
            } else if (type == Config.class) {
                target = Config.dim(DIM);
            } else if (type == Filter.class) {
                target = Filter.all();
            } else {
                db.close();
                return null; // record accessors of filter nodes take no arguments
            }
        }
        Parameter[] params = member.getParameters();
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            args[i] = i == nullAt ? null : valid(params[i].getType(), params[i], dir);
        }
        if (member.isVarArgs() && nullAt == params.length - 1) {
            args[nullAt] = null; // the array itself is null
        }
        Throwable thrown = null;
        Object result = null;
        try {
            result = member instanceof Method m ? m.invoke(target, args) : ((Constructor<?>) member).newInstance(args);
            if (result instanceof CompletableFuture<?> f) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    thrown = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                }
            }
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } finally {
            for (Object a : args) {
                if (a instanceof Database d) {
                    d.close();
                }
            }
            if (result instanceof Database d) {
                d.close();
            }
            if (client != null) {
                client.close();
            }
        }
        String after = db.isClosed() ? before : db.ids() + " " + db.get("a");
        if (async != null) {
            async.close();
        }
        db.close();
        if (thrown == null) {
            return nullAllowed ? null : "accepted null";
        }
        if (!(thrown instanceof QuiverException)) {
            return "threw " + thrown;
        }
        if (!before.equals(after)) {
            return "changed the database: " + before + " -> " + after;
        }
        return null;
    }

    @Test
    void nullElementsOfFilterListsAreTypedErrors() {
        List<Runnable> calls = List.of(
                () -> Filter.and(Filter.all(), null),
                () -> Filter.or(null, Filter.all()),
                () -> new Filter.And(Arrays.asList(Filter.all(), null)),
                () -> new Filter.Or(Arrays.asList((Filter) null)),
                () -> Filter.in("f", (Collection<?>) null),
                () -> Filter.nin("f", (Object[]) null),
                () -> Filter.not(null));
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).run();
                throw new AssertionError("call " + i + " accepted a null");
            } catch (InvalidFilterException e) {
                assertTrue(e.getMessage().startsWith("invalid filter: "), e.getMessage());
            }
        }
        // A null value inside $in is a JSON null, not an error.
        assertEquals(Arrays.asList("x", null), ((Filter.In) Filter.in("f", "x", null)).values());
    }
}

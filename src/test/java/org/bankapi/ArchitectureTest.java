package org.bankapi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Repository;
import org.springframework.web.bind.annotation.RestController;

/**
 * The boundaries the README claims, on the compiled classes: features without cycles, plain-Java
 * rules, each table named in SQL only by the one package that owns it, SQL run only by table owners,
 * HTTP records kept to their feature. Each rule also runs over deliberately bad classes
 * ({@code org.bankapi.archfixture}, test code), so that every rule is seen to fail on a breach.
 */
class ArchitectureTest {

    /** The bean definitions that the build's process-aot step generates into target/classes (Name__BeanDefinitions). */
    private static final ImportOption NOT_GENERATED_BY_SPRING_AOT =
            location -> !location.contains("__") && !location.contains("$$SpringCGLIB$$");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(NOT_GENERATED_BY_SPRING_AOT)
            .importPackages("org.bankapi");

    private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages("org.bankapi.archfixture");

    /** Each table's one owner: the package whose classes alone name it in SQL; other features go through its methods. */
    static final Map<String, String> TABLE_OWNERS = Map.ofEntries(
            Map.entry("accounts", "org.bankapi.ledger"),
            Map.entry("transactions", "org.bankapi.ledger"),
            Map.entry("ledger_entries", "org.bankapi.ledger"),
            Map.entry("holds", "org.bankapi.ledger"),
            Map.entry("data_keys", "org.bankapi.crypto"),
            Map.entry("idempotency_keys", "org.bankapi.idempotency"),
            Map.entry("outbox_events", "org.bankapi.event"),
            Map.entry("audit_log", "org.bankapi.audit"),
            Map.entry("audit_seals", "org.bankapi.audit"),
            Map.entry("fraud_alerts", "org.bankapi.fraud"));

    /** The sequences and functions of the owned tables, named anywhere in a statement (nextval('...'), SELECT f(...)). */
    static final Map<String, String> OBJECT_OWNERS = Map.of(
            "transactions_id_seq", "org.bankapi.ledger",
            "holds_id_seq", "org.bankapi.ledger",
            "ensure_transaction_partitions", "org.bankapi.ledger");

    private static final Pattern TABLE_IN_SQL =
            Pattern.compile("(?i)\\b(FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE)\\s+(?:ONLY\\s+)?([a-z_][a-z0-9_]*)");
    /** A partition is its table's: accounts_low, accounts_high, transactions_2026_11. */
    private static final Pattern PARTITION = Pattern.compile("(accounts)_(?:low|high)|(transactions)_\\d{4}_\\d{2}");

    private static final Pattern OBJECT_IN_SQL =
            Pattern.compile("\\b(" + String.join("|", OBJECT_OWNERS.keySet()) + ")\\b");
    private static final Pattern BALANCE_WRITE =
            Pattern.compile("(?i)\\bUPDATE\\s+(?:ONLY\\s+)?accounts(?:_low|_high)?\\b");

    /** What runs SQL or reads its results; java.sql's exception classes (which web.TransientFailures reads) are not in it. */
    private static final Set<String> SQL_RUNNERS = Set.of(
            "org.springframework.jdbc.core.simple.JdbcClient",
            "org.springframework.jdbc.core.JdbcOperations",
            "org.springframework.jdbc.core.JdbcTemplate",
            "org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations",
            "org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate",
            "java.sql.Statement",
            "java.sql.PreparedStatement",
            "java.sql.CallableStatement",
            "java.sql.ResultSet");

    /**
     * The only uses of a feature's *Request or *View record outside its package, each with its reason:
     * the warm-up (de)serialises the hot endpoints' bodies before the instance says ready, and a capture
     * answers with the transaction it booked, in the transaction feature's shape.
     */
    static final Map<String, Set<String>> HTTP_RECORD_USES_ELSEWHERE = Map.of(
            "org.bankapi.warmup",
            Set.of(
                    "org.bankapi.account.AccountView",
                    "org.bankapi.account.OpenAccountRequest",
                    "org.bankapi.transaction.CreateTransactionRequest",
                    "org.bankapi.transaction.TransactionView"),
            "org.bankapi.hold",
            Set.of("org.bankapi.transaction.TransactionView"));

    static ArchRule featuresFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    static final ArchRule RULES_ARE_PLAIN_JAVA = noClasses()
            .that()
            .resideInAnyPackage("org.bankapi.money..")
            .or()
            .haveFullyQualifiedName("org.bankapi.web.error.ProblemException")
            .or()
            .haveSimpleNameEndingWith("Rules")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "jakarta..", "java.sql..");

    static final ArchRule REPOSITORIES_ARE_NOT_PUBLIC =
            classes().that().areAnnotatedWith(Repository.class).should().notBePublic();

    static final ArchRule CONTROLLERS_NEVER_TOUCH_SQL = classes()
            .that()
            .areAnnotatedWith(RestController.class)
            .should()
            .onlyDependOnClassesThat()
            .resideOutsideOfPackages("org.springframework.jdbc..", "java.sql..")
            .andShould()
            .notBePublic();

    static final ArchRule CONTROLLERS_DO_NOT_CALL_REPOSITORIES = noClasses()
            .that()
            .areAnnotatedWith(RestController.class)
            .should()
            .dependOnClassesThat()
            .areAnnotatedWith(Repository.class);

    static final ArchRule TABLES_ARE_NAMED_ONLY_BY_THEIR_OWNER = classes().should(nameInSqlOnlyWhatTheirPackageOwns());

    static final ArchRule ONLY_TABLE_OWNERS_RUN_SQL = noClasses()
            .that()
            .resideOutsideOfPackages(ownerPackages())
            .should()
            .dependOnClassesThat(DescribedPredicate.describe(
                    "run SQL (JdbcClient, JdbcTemplate, java.sql statements and result sets)",
                    (JavaClass type) -> SQL_RUNNERS.contains(type.getName())
                            || type.getName().startsWith("org.springframework.jdbc.core.simple.JdbcClient$")));

    static final ArchRule ONLY_THE_LEDGER_WRITES_BALANCES =
            classes().that().resideOutsideOfPackage("org.bankapi.ledger..").should(writeNoBalanceInSql());

    static final ArchRule HTTP_RECORDS_STAY_IN_THEIR_FEATURE =
            classes().that(areHttpRecordsOfAFeature()).should(beAccessedOnlyFromTheirPackageOrAsDeclared());

    @Test
    void featuresDoNotDependOnEachOtherInCycles() {
        featuresFreeOfCycles("org.bankapi").check(CLASSES);
    }

    @Test
    void aCycleBetweenTwoFeaturesIsReported() {
        assertThatThrownBy(() -> featuresFreeOfCycles("org.bankapi.archfixture").check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("cyclea")
                .hasMessageContaining("cycleb");
    }

    @Test
    void moneyRulesArePlainJava() {
        RULES_ARE_PLAIN_JAVA.check(CLASSES);
    }

    @Test
    void rulesThatReachForSpringOrSqlAreReported() {
        assertThatThrownBy(() -> RULES_ARE_PLAIN_JAVA.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.bankapi.archfixture.pricing.DiscountRules");
    }

    @Test
    void repositoriesAreNotPartOfAFeaturesPublicFace() {
        REPOSITORIES_ARE_NOT_PUBLIC.check(CLASSES);
    }

    @Test
    void aPublicRepositoryIsReported() {
        assertThatThrownBy(() -> REPOSITORIES_ARE_NOT_PUBLIC.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PublicRepository");
    }

    @Test
    void controllersAreThinAndNeverTouchSql() {
        CONTROLLERS_NEVER_TOUCH_SQL.check(CLASSES);
        CONTROLLERS_DO_NOT_CALL_REPOSITORIES.check(CLASSES);
    }

    @Test
    void aControllerWithSqlOrARepositoryIsReported() {
        assertThatThrownBy(() -> CONTROLLERS_NEVER_TOUCH_SQL.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ControllerWithSql");
        assertThatThrownBy(() -> CONTROLLERS_DO_NOT_CALL_REPOSITORIES.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ControllerWithSql");
    }

    @Test
    void eachTableIsNamedInSqlOnlyByThePackageThatOwnsIt() {
        TABLES_ARE_NAMED_ONLY_BY_THEIR_OWNER.check(CLASSES);
    }

    @Test
    void theOwnershipRuleSeesTheSqlOfTheMainClasses() {
        // the rule reads the classes' string constants: it must find the SQL where it is known to be
        assertThat(sqlTables(CLASSES.get("org.bankapi.ledger.AccountRecords"))).contains("accounts", "holds");
        assertThat(sqlTables(CLASSES.get("org.bankapi.crypto.StoredDataKey"))).containsExactly("data_keys");
        assertThat(sqlTables(CLASSES.get("org.bankapi.fraud.FraudAlertRepository")))
                .containsExactly("fraud_alerts");
    }

    @Test
    void aClassNamingAnotherPackagesTableInSqlIsReported() {
        assertThatThrownBy(() -> TABLES_ARE_NAMED_ONLY_BY_THEIR_OWNER.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.bankapi.archfixture.statement.ReadsLedgerEntries names ledger_entries")
                .hasMessageContaining("org.bankapi.archfixture.statement.ReadsLedgerEntries names transactions")
                .hasMessageContaining("org.bankapi.archfixture.account.WritesBalances names accounts")
                .hasMessageContaining("org.bankapi.archfixture.account.WritesBalances names transactions_id_seq");
    }

    @Test
    void onlyTheTableOwnersRunSql() {
        ONLY_TABLE_OWNERS_RUN_SQL.check(CLASSES);
    }

    @Test
    void aClassRunningSqlOutsideTheOwnersIsReportedButNotOneThatOnlyReadsSqlExceptions() {
        assertThatThrownBy(() -> ONLY_TABLE_OWNERS_RUN_SQL.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.bankapi.archfixture.account.WritesBalances")
                .hasMessageContaining("org.bankapi.archfixture.web.RunsAStatement")
                .message()
                .doesNotContain("KnowsSqlFailures");
    }

    @Test
    void onlyTheLedgerWritesBalances() {
        ONLY_THE_LEDGER_WRITES_BALANCES.check(CLASSES);
    }

    @Test
    void aBalanceWrittenOutsideTheLedgerIsReported() {
        assertThatThrownBy(() -> ONLY_THE_LEDGER_WRITES_BALANCES.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.bankapi.archfixture.account.WritesBalances writes balances")
                .message()
                .doesNotContain("ReadsLedgerEntries");
    }

    @Test
    void requestAndViewRecordsAreUsedOnlyByTheirOwnFeature() {
        HTTP_RECORDS_STAY_IN_THEIR_FEATURE.check(CLASSES);
    }

    @Test
    void aViewUsedByAnotherFeatureIsReported() {
        assertThatThrownBy(() -> HTTP_RECORDS_STAY_IN_THEIR_FEATURE.check(FIXTURES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("org.bankapi.archfixture.shipping.ShipsOrders")
                .hasMessageContaining("org.bankapi.archfixture.shop.OrderView")
                .message()
                .doesNotContain("org.bankapi.archfixture.shop.OrderController");
    }

    private static String[] ownerPackages() {
        return TABLE_OWNERS.values().stream().distinct().map(p -> p + "..").toArray(String[]::new);
    }

    private static boolean isIn(JavaClass type, String packageName) {
        return type.getPackageName().equals(packageName)
                || type.getPackageName().startsWith(packageName + ".");
    }

    private static ArchCondition<JavaClass> nameInSqlOnlyWhatTheirPackageOwns() {
        return new ArchCondition<>(
                "name in SQL only the tables (and their sequences and functions) their package owns") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (Map.Entry<String, String> named : sqlNames(type).entrySet()) {
                    String owner = TABLE_OWNERS.getOrDefault(named.getKey(), OBJECT_OWNERS.get(named.getKey()));
                    if (!isIn(type, owner)) {
                        events.add(SimpleConditionEvent.violated(
                                type,
                                type.getName() + " names " + named.getKey() + ", owned by " + owner + ", in SQL: \""
                                        + named.getValue() + "\""));
                    }
                }
            }
        };
    }

    private static ArchCondition<JavaClass> writeNoBalanceInSql() {
        return new ArchCondition<>("write no balance (UPDATE accounts) in SQL") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (String constant : stringConstants(type)) {
                    Matcher update = BALANCE_WRITE.matcher(constant);
                    if (update.find()) {
                        events.add(SimpleConditionEvent.violated(
                                type, type.getName() + " writes balances: \"" + update.group() + "\""));
                    }
                }
            }
        };
    }

    private static DescribedPredicate<JavaClass> areHttpRecordsOfAFeature() {
        return DescribedPredicate.describe(
                "are *Request or *View records of a feature (or nested in one)",
                type -> !isIn(type, "org.bankapi.web") && httpRecord(type).isPresent());
    }

    /** The type itself or the record it is nested in, when that is named *Request or *View. */
    private static Optional<JavaClass> httpRecord(JavaClass type) {
        for (Optional<JavaClass> c = Optional.of(type);
                c.isPresent();
                c = c.get().getEnclosingClass()) {
            JavaClass candidate = c.get();
            if (candidate.isRecord()
                    && (candidate.getSimpleName().endsWith("Request")
                            || candidate.getSimpleName().endsWith("View"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static ArchCondition<JavaClass> beAccessedOnlyFromTheirPackageOrAsDeclared() {
        return new ArchCondition<>(
                "be used only from their own package (or as declared in HTTP_RECORD_USES_ELSEWHERE)") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                String record = httpRecord(type).orElseThrow().getName();
                for (Dependency use : type.getDirectDependenciesToSelf()) {
                    JavaClass from = use.getOriginClass();
                    boolean declared = HTTP_RECORD_USES_ELSEWHERE
                            .getOrDefault(from.getPackageName(), Set.of())
                            .contains(record);
                    if (!from.getPackageName().equals(type.getPackageName()) && !declared) {
                        events.add(SimpleConditionEvent.violated(use, use.getDescription()));
                    }
                }
            }
        };
    }

    /** The owned tables and objects a class names in its SQL, each with the text that names it. */
    static Map<String, String> sqlNames(JavaClass type) {
        Map<String, String> named = new HashMap<>();
        for (String constant : stringConstants(type)) {
            Matcher table = TABLE_IN_SQL.matcher(constant);
            while (table.find()) {
                String name = tableOf(table.group(2).toLowerCase(Locale.ROOT));
                if (TABLE_OWNERS.containsKey(name)) {
                    named.putIfAbsent(name, table.group());
                }
            }
            Matcher object = OBJECT_IN_SQL.matcher(constant);
            while (object.find()) {
                named.putIfAbsent(object.group(1), object.group());
            }
        }
        return named;
    }

    private static Set<String> sqlTables(JavaClass type) {
        return sqlNames(type).keySet().stream()
                .filter(TABLE_OWNERS::containsKey)
                .collect(Collectors.toSet());
    }

    private static String tableOf(String name) {
        Matcher partition = PARTITION.matcher(name);
        if (partition.matches()) {
            return partition.group(1) != null ? partition.group(1) : partition.group(2);
        }
        return name;
    }

    private static final Map<String, List<String>> CONSTANTS = new ConcurrentHashMap<>();

    /**
     * The string literals of a class as its class file holds them (text blocks, folded constants and
     * the constant parts of concatenations alike), read from the constant pool: comments never count.
     */
    static List<String> stringConstants(JavaClass type) {
        return CONSTANTS.computeIfAbsent(type.getName(), name -> {
            var source = type.getSource().orElseThrow(() -> new IllegalStateException("no class file for " + name));
            try (InputStream in = source.getUri().toURL().openStream()) {
                return readStringConstants(new DataInputStream(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static List<String> readStringConstants(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 8 -> strings.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return strings.stream().map(index -> utf8[index]).toList();
    }
}

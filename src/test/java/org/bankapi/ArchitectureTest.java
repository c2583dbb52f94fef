package org.bankapi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Repository;
import org.springframework.web.bind.annotation.RestController;

/** The module boundaries: features do not form cycles, the domain rules stay plain Java, SQL stays in its feature. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.bankapi");

    @Test
    void featuresDoNotDependOnEachOtherInCycles() {
        slices().matching("org.bankapi.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void moneyRulesArePlainJava() {
        noClasses()
                .that()
                .resideInAnyPackage("org.bankapi.money..")
                .or()
                .haveFullyQualifiedName("org.bankapi.web.error.ProblemException")
                .or()
                .haveSimpleNameEndingWith("Rules")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "jakarta..", "java.sql..")
                .check(CLASSES);
    }

    @Test
    void repositoriesAreNotPartOfAFeaturesPublicFace() {
        classes()
                .that()
                .areAnnotatedWith(Repository.class)
                .should()
                .notBePublic()
                .check(CLASSES);
    }

    @Test
    void controllersAreThinAndNeverTouchSql() {
        classes()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackages("org.springframework.jdbc..", "java.sql..")
                .andShould()
                .notBePublic()
                .check(CLASSES);
        noClasses()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .dependOnClassesThat()
                .areAnnotatedWith(Repository.class)
                .check(CLASSES);
    }

    @Test
    void onlyTheLedgerWritesBalances() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.bankapi.ledger..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("LedgerRepository")
                .check(CLASSES);
    }
}

package dev.vigil.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module arrows of ARCHITECTURE.md, checked on the compiled main code of every module. */
class ModuleArrowsTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil");
    }

    @Test
    void controlsStayPureJava() {
        noClasses()
                .that()
                .resideInAPackage("dev.vigil.controls..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.kafka..",
                        "co.elastic..",
                        "org.elasticsearch..",
                        "com.sun.net.httpserver..",
                        "java.net.http..",
                        "dev.vigil.common.http..")
                .because("controls are data and a pure evaluator: no Kafka, HTTP or Elasticsearch types")
                .check(classes);
    }

    @Test
    void servicesNeverImportEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.vigil.ingest..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.vigil.streams..", "dev.vigil.auditapi..")
                .because("services talk through Kafka topics, never through each other's code")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.vigil.streams..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.vigil.ingest..", "dev.vigil.auditapi..")
                .because("services talk through Kafka topics, never through each other's code")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.vigil.auditapi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.vigil.ingest..", "dev.vigil.streams..")
                .because("services talk through Kafka topics and Elasticsearch, never through each other's code")
                .check(classes);
    }

    @Test
    void sharedModulesPointDownOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.vigil.schemas..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.vigil.common..",
                        "dev.vigil.controls..",
                        "dev.vigil.trail..",
                        "dev.vigil.ingest..",
                        "dev.vigil.streams..",
                        "dev.vigil.auditapi..",
                        "dev.vigil.embedded..",
                        "dev.vigil.cli..")
                .because("schemas is the bottom of the house")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage("dev.vigil.common..", "dev.vigil.trail..", "dev.vigil.controls..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.vigil.ingest..", "dev.vigil.streams..", "dev.vigil.auditapi..", "dev.vigil.cli..")
                .because("shared code goes down, never sideways into a service")
                .check(classes);
    }

    @Test
    void onlyTheCommandUsesTheEmbeddedServers() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.vigil.ingest..",
                        "dev.vigil.streams..",
                        "dev.vigil.auditapi..",
                        "dev.vigil.trail..",
                        "dev.vigil.common..",
                        "dev.vigil.schemas..",
                        "dev.vigil.controls..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.vigil.embedded..")
                .because("services run against any Kafka and Elasticsearch; only vigil up starts embedded ones")
                .check(classes);
    }
}

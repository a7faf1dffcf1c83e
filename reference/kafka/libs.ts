import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** This folder: the Maven descriptor, the log configuration, and (after `mvn package`) `target/libs`. */
export const referenceDir = dirname(fileURLToPath(import.meta.url))

/** Apache Kafka's version, as the Maven descriptor pins it. */
export const KAFKA_VERSION = '4.1.1'

/**
 * Resolves Apache Kafka's jars from Maven Central into `target/libs` (the Maven cache keeps them
 * between runs) and returns the Java class path. Throws, saying what to install, when Java or
 * Maven is missing.
 */
export function kafkaClasspath(): string {
  const libs = join(referenceDir, 'target', 'libs')
  const wanted = `kafka_2.13-${KAFKA_VERSION}.jar`
  if (!existsSync(libs) || !readdirSync(libs).includes(wanted))
    mavenPackage(join(referenceDir, 'pom.xml'), `resolve Apache Kafka ${KAFKA_VERSION}`)
  return join(libs, '*')
}

/**
 * Runs `mvn package` on `pom` (Maven's cache keeps what it downloads between runs); throws naming
 * `what` it could not do, or what to install when Java or Maven is missing.
 */
export function mavenPackage(pom: string, what: string): void {
  requireCommand('java', 'Java 17 (apt-get install -y openjdk-17-jdk-headless)')
  requireCommand('mvn', 'Maven (apt-get install -y maven)')
  const mvn = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', pom, 'package'], {
    stdio: ['ignore', 'inherit', 'inherit']
  })
  if (mvn.status !== 0) throw new Error(`mvn could not ${what} (see above)`)
}

/** Throws `what` to install when `command` is not on the PATH. */
export function requireCommand(command: string, what: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
  if (found.status !== 0) throw new Error(`${command} not found: install ${what}`)
}

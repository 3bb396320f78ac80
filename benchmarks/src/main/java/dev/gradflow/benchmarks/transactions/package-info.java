/**
 * The cost of one Kafka transaction, phase by phase, against brokers configured differently
 * ({@code benchmarks/transactions.sh}).
 */
package dev.gradflow.benchmarks.transactions;

/**
 * The cost of one Kafka transaction, phase by phase, against brokers configured differently, back to back or one at
 * a time as an idle service's are ({@code benchmarks/transactions.sh}), and where the broker spends each request's
 * time, read from Kafka's request logger ({@link dev.gradflow.benchmarks.transactions.BrokerRequestTimes}).
 */
package dev.gradflow.benchmarks.transactions;

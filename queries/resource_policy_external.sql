-- id: resource_policy_external
-- title: Secret, ECR repository, SQS queue or SNS topic policy grants another account or anyone
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003, TA0010
-- techniques: T1098, T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A resource policy on a Secrets Manager secret, an ECR repository, an SQS queue or an
--   SNS topic was put with an Allow statement for another account's principal, or for anyone without
--   an account, organization or source condition: that account can read the secret, pull (or push)
--   images, or read and send messages. Principals are read with policy_external_principals. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: statements for AWS services pinned by aws:SourceArn or aws:SourceAccount (an S3
--   event notification to a queue), statements for this account's roles and for the organization are
--   not reported; sharing with your other accounts is, so list them.
-- remediation: Remove the foreign statement (delete-resource-policy, set-repository-policy,
--   set-queue-attributes, set-topic-attributes) and rotate secrets the other account could read.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
-- references: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.secretId'), json_extract_scalar(requestparameters, '$.repositoryName'), json_extract_scalar(requestparameters, '$.queueUrl'), json_extract_scalar(requestparameters, '$.topicArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE errorcode IS NULL
  AND ((eventsource = 'secretsmanager.amazonaws.com' AND eventname = 'PutResourcePolicy')
       OR (eventsource = 'ecr.amazonaws.com' AND eventname = 'SetRepositoryPolicy')
       OR (eventsource = 'sqs.amazonaws.com' AND eventname = 'SetQueueAttributes')
       OR (eventsource = 'sns.amazonaws.com' AND eventname = 'SetTopicAttributes' AND json_extract_scalar(requestparameters, '$.attributeName') = 'Policy'))
  AND cardinality(policy_external_principals(coalesce(json_extract_scalar(requestparameters, '$.resourcePolicy'), json_extract_scalar(requestparameters, '$.policyText'), json_extract_scalar(requestparameters, '$.attributes.Policy'), json_extract_scalar(requestparameters, '$.attributeValue')), recipientaccountid)) > 0

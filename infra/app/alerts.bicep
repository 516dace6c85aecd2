// Alerts staff want, as log queries over what weqs and the Functions host already write to
// Application Insights. Each fires once per evaluation window while its condition holds.
param namePrefix string
param location string
param tags object
param applicationInsightsId string
@description('Email address alerts go to; empty: the alerts fire in the portal only.')
param alertEmail string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-staff'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'weqs'
    enabled: true
    emailReceivers: [{ name: 'staff', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var alerts = [
  {
    name: 'poison-queue'
    description: 'An email or subscription event failed five times and went to a poison queue: run `npm run weqs -- replay-failed` after fixing the cause.'
    severity: 1
    query: 'traces | where message has "-poison" and message has "Moving message"'
    window: 'PT15M'
  }
  {
    name: 'processing-failures'
    description: 'weqs gave up on an inbox email after repeated failures (see `npm run weqs -- outcomes`).'
    severity: 1
    query: 'traces | where message has "giving up on an email after repeated failures"'
    window: 'PT15M'
  }
  {
    name: 'no-inbox-subscription'
    description: 'The inbox change-notification subscription could not be created, renewed or reauthorized: new emails arrive only through the sweep until it is. Run `npm run weqs -- doctor`.'
    severity: 2
    query: 'requests | where name in ("maintainSubscription", "handleSubscriptionEvent") and success == false'
    window: 'PT6H'
  }
  {
    name: 'function-errors'
    description: 'A function invocation failed.'
    severity: 2
    query: 'requests | where success == false'
    window: 'PT15M'
  }
]

resource rules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in alerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    properties: {
      displayName: 'weqs: ${alert.name}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsightsId]
      evaluationFrequency: alert.window == 'PT6H' ? 'PT1H' : alert.window
      windowSize: alert.window
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
          }
        ]
      }
      actions: { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }
    }
  }
]

/**
 * The seed assignment's two grouped tables over StackLite, as the demo runs them (and tests that
 * replay the demo's work import them, so the code under test is written once).
 */
import type { DataFrame } from '../dataframe/index.js';

/** Task 5's owner table: grouped by OwnerUserId. */
export function ownerTable(questions: DataFrame): DataFrame {
  return questions.groupby('OwnerUserId').agg({
    AverageScore: { column: 'Score', agg: 'mean' },
    NumQuestions: { column: 'Id', agg: 'count' },
    NumAnswers: { column: 'AnswerCount', agg: 'sum' },
  });
}

/** Task 6's tag table: questions merged with tags on Id, grouped by Tag. */
export function tagTable(questions: DataFrame, tags: DataFrame): DataFrame {
  return questions
    .merge(tags, { on: 'Id' })
    .groupby('Tag')
    .agg({
      AverageScore: { column: 'Score', agg: 'mean' },
      NumAnswers: { column: 'AnswerCount', agg: 'sum' },
      NumQuestions: { column: 'Id', agg: 'count' },
      NumOwners: { column: 'OwnerUserId', agg: 'count' },
    });
}
